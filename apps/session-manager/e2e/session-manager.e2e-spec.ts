import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { sessionFetch, type CapturedSession } from '@fieldsync/connector-kit';
import { connectNats, streamName } from '@fieldsync/messaging';
import type { DB } from '@fieldsync/persistence';
import { SessionAcquireError, SessionClient } from '@fieldsync/session-client';
import {
  expectEventually,
  freePort,
  getTestServices,
  outboxTo,
  userOf,
  type PortalHandle,
  type RunningSandbox,
  type SpawnedService,
} from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import { startSessionWorld, type SessionWorld } from './session-harness.util';

/*
 * The session manager as a process, against the vendor sandbox as a process, with real Chromium:
 * connections created through the admin API, sessions acquired over NATS by an "extractor" that
 * decrypts them, data calls made with them. Then the failure policy, single flight, expiry, the
 * integrators' HTTP session API, the events, and a search for every secret in everything kept.
 */

jest.setTimeout(240_000);

const ST_TENANT = '/crm/v2/tenant/1000042/customers?pageSize=1';

/**
 * Whether `text` holds `secret`. A numeric MFA code counts only as a whole token (not inside a longer
 * run of digits or letters such as a timestamp or an id), or a 6-digit code would be found by chance.
 */
function containsSecret(text: string, secret: string): boolean {
  if (!/^\d+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<![A-Za-z0-9])${secret}(?![A-Za-z0-9])`).test(text);
}

interface LoginCounts {
  attempts: number;
  successes: number;
  failures: number;
  mfaPrompts: number;
  lockouts: number;
}
interface LoginsReport {
  users: Record<string, LoginCounts | undefined>;
  locked: string[];
}

describe('session-manager against the vendor sandbox (real Chromium)', () => {
  const services = getTestServices();
  let world: SessionWorld;
  let prefix: string;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let jobber: PortalHandle;
  let manager: SpawnedService;
  let base: string;
  let client: SessionClient;
  let nc: NatsConnection;
  /** Every secret the run handled, searched for at the end. */
  const secrets = new Set<string>();
  const acquired: CapturedSession[] = [];

  const admin = <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
    world.adminCall<T>(method, path, body);

  const createConnection = async (input: Record<string, unknown>): Promise<string> => {
    const res = await admin<{ id: string }>('POST', '/connections', { tenantId: 'tn_e2e', ...input });
    if (res.status !== 201) throw new Error(`POST /connections: ${res.status} ${JSON.stringify(res.body)}`);
    if (typeof input.password === 'string') secrets.add(input.password);
    return res.body.id;
  };

  const logins = async (portal: PortalHandle, user: string): Promise<LoginCounts> => {
    const report = await portal.control<LoginsReport>('GET', 'logins');
    return report.users[user] ?? { attempts: 0, successes: 0, failures: 0, mfaPrompts: 0, lockouts: 0 };
  };

  const acquire = async (connectionId: string) => {
    const got = await client.acquire(connectionId);
    acquired.push(got.session);
    for (const c of got.session.cookies) secrets.add(c.value);
    for (const v of Object.values(got.session.headers)) if (v.length >= 16) secrets.add(v);
    return got;
  };

  beforeAll(async () => {
    world = await startSessionWorld({
      name: 'session_mgr',
      managerEnv: {
        SESSION_AUTO_LOGIN: 'false',
        SESSION_VERIFY_AFTER: '0',
        LOG_LEVEL: 'debug',
      },
      acquireTimeoutMs: 120_000,
    });
    ({ prefix, db, sandbox, manager, base, client } = world);
    st = sandbox.portal('servicetitan');
    jobber = sandbox.portal('jobber');
    for (const u of (await st.control<{ users: { totpSecret: string | null }[] }>('GET', 'users')).users) {
      if (u.totpSecret) secrets.add(u.totpSecret);
    }
    nc = await connectNats({ servers: services.natsUrl, name: 'session-manager-e2e', timeoutMs: 5_000 });
    expect((await admin('PUT', '/tenants/tn_e2e', { name: 'Northwind & Greenleaf' })).status).toBe(200);
  });

  afterAll(async () => {
    await nc?.close();
    await world?.close();
  });

  it('refuses the admin API without the admin token', async () => {
    const res = await fetch(`${base}/connections`);
    expect(res.status).toBe(401);
  });

  it("an operator sees a connection's sync per stream and asks for a reconciliation pass now", async () => {
    const jobberId = await createConnection({
      vendor: 'jobber',
      portalUrl: jobber.url,
      username: 'reconcile@greenleaf-hvac.example',
      password: 'Sandbox!Reconcile1',
    });
    expect((await admin('POST', '/connections/con_missing/reconcile', {})).status).toBe(404);
    expect((await admin('GET', '/connections/con_missing/sync')).status).toBe(404);
    const badBody = await admin<{ message: string }>('POST', `/connections/${jobberId}/reconcile`, {
      streams: 'jobs',
    });
    expect(badBody).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('streams') as unknown },
    });
    const unknown = await admin<{ error: string; message: string }>(
      'POST',
      `/connections/${jobberId}/reconcile`,
      { streams: ['jobs', 'work-orders'] },
    );
    expect(unknown).toMatchObject({
      status: 422,
      body: { error: 'unknown_stream', message: expect.stringContaining('no stream work-orders') as unknown },
    });
    // The extractor has run only the jobs stream so far (its cursor, due in an hour).
    await db
      .insertInto('sync_cursors')
      .values({
        connection_id: jobberId,
        entity_type: 'jobs',
        tenant_id: 'tn_e2e',
        next_run_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
    const request = await admin<{
      requested: { stream: string; requestedAt: string }[];
      skipped: { stream: string; reason: string }[];
    }>('POST', `/connections/${jobberId}/reconcile`, {});
    expect(request.status).toBe(202);
    expect(request.body.requested.map((r) => r.stream)).toEqual(['jobs']);
    expect(request.body.skipped.map((s) => s.stream)).toContain('clients');
    expect(request.body.skipped.every((s) => /not synced yet/.test(s.reason))).toBe(true);
    const status = await admin<{
      vendor: string;
      streams: { stream: string; nextRunAt: string; reconciliation: Record<string, unknown> }[];
    }>('GET', `/connections/${jobberId}/sync`);
    expect(status.body.vendor).toBe('jobber');
    expect(status.body.streams).toHaveLength(1);
    expect(status.body.streams[0]?.reconciliation).toMatchObject({
      requestedAt: request.body.requested[0]?.requestedAt,
      requestPending: true,
      inProgress: false,
    });
    // Due now rather than in an hour.
    expect(Date.parse(status.body.streams[0]?.nextRunAt ?? '')).toBeLessThanOrEqual(Date.now());
    // ServiceTitan's feeds list their deletions: nothing of theirs to reconcile.
    const stId = await createConnection({
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.reconcile',
      password: 'Sandbox!Reconcile1',
      mfa: { method: 'none' },
    });
    const stRequest = await admin<{ skipped: { stream: string; reason: string }[] }>(
      'POST',
      `/connections/${stId}/reconcile`,
      { streams: ['jobs'] },
    );
    expect(stRequest.body).toEqual({
      connectionId: stId,
      requested: [],
      skipped: [{ stream: 'jobs', reason: expect.stringContaining('lists its deletions') as unknown }],
    });
  });

  it('ServiceTitan with TOTP: logs in once, the extractor decrypts the session and a data call succeeds', async () => {
    const adminUser = await userOf(st, 'st.admin');
    const id = await createConnection({
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      mfa: { method: 'totp', secret: adminUser.totpSecret },
    });
    const got = await acquire(id);
    expect(got.user).toMatchObject({ name: 'Avery Admin', role: 'Admin' });
    const res = await sessionFetch(got.session, ST_TENANT, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(await logins(st, 'st.admin')).toMatchObject({ successes: 1, failures: 0 });
    const view = await admin<{ status: string; session: { state: string } }>('GET', `/connections/${id}`);
    expect(view.body).toMatchObject({ status: 'active', session: { state: 'active' } });
    expect(JSON.stringify(view.body)).not.toContain('Sandbox!Admin1');
  });

  it('ServiceTitan with SMS: the code reaches the login through the MFA relay', async () => {
    const id = await createConnection({
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.dispatch',
      password: 'Sandbox!Dispatch1',
      mfa: { method: 'sms', phone: '+15555550101' },
    });
    const got = await acquire(id);
    const res = await sessionFetch(got.session, ST_TENANT, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const sms = await outboxTo(st, '+15555550101');
    expect(sms).toHaveLength(1);
    for (const m of sms) if (m.code) secrets.add(m.code);
  });

  it('ServiceTitan through SSO: follows the identity provider', async () => {
    const id = await createConnection({
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.sso',
      password: 'Sandbox!Sso1',
      sso: { username: 'sam@northwind-hvac.example' },
    });
    const got = await acquire(id);
    expect(got.user.role).toBe('Accounting');
    const res = await sessionFetch(got.session, ST_TENANT, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('Jobber: the SMS step on a new device, none on the next login (device remembered), office user without MFA', async () => {
    const owner = await createConnection({
      vendor: 'jobber',
      portalUrl: jobber.url,
      username: 'owner@greenleaf-hvac.example',
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: '+15555550201' },
    });
    const first = await acquire(owner);
    const query = { query: '{ clients(first: 1) { nodes { id } } }' };
    const call = (s: CapturedSession) =>
      sessionFetch(s, '/api/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(query),
      });
    const res = await call(first.session);
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { data: { clients: { nodes: unknown[] } } }).data.clients.nodes,
    ).toHaveLength(1);
    expect(await logins(jobber, 'owner@greenleaf-hvac.example')).toMatchObject({
      successes: 1,
      mfaPrompts: 1,
    });
    for (const m of await outboxTo(jobber, '+15555550201')) if (m.code) secrets.add(m.code);

    // An operator revokes the session: the next login reuses the recognised device, so no SMS.
    const revoked = await client.invalidate(owner, 'manual', first.sessionVersion);
    expect(revoked.invalidated).toBe(true);
    const second = await acquire(owner);
    expect(second.sessionVersion).toBeGreaterThan(first.sessionVersion);
    expect((await call(second.session)).status).toBe(200);
    expect(await logins(jobber, 'owner@greenleaf-hvac.example')).toMatchObject({
      successes: 2,
      mfaPrompts: 1,
    });

    const office = await createConnection({
      vendor: 'jobber',
      portalUrl: jobber.url,
      username: 'office@greenleaf-hvac.example',
      password: 'Sandbox!Office1',
    });
    expect((await call((await acquire(office)).session)).status).toBe(200);
  });

  it('forced expiry at the vendor: the next acquire returns a fresh session, 20 concurrent acquires make one login', async () => {
    const id = await createConnection({
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.csr',
      password: 'Sandbox!Csr1',
      mfa: { method: 'totp', secret: (await userOf(st, 'st.csr')).totpSecret },
    });
    // 20 extractors asking at once for a connection with no session yet: one login, one TOTP code.
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const c = new SessionClient({
          service: 'extractor',
          servers: services.natsUrl,
          prefix,
          timeoutMs: 120_000,
        });
        await c.connect();
        return c;
      }),
    );
    try {
      const all = await Promise.all(clients.map((c) => c.acquire(id)));
      expect(new Set(all.map((a) => a.sessionVersion)).size).toBe(1);
      expect(await logins(st, 'st.csr')).toMatchObject({ attempts: 1, successes: 1 });
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }

    const before = await acquire(id);
    expect(
      (await sessionFetch(before.session, ST_TENANT, { headers: { accept: 'application/json' } })).status,
    ).toBe(200);
    await st.control('POST', 'sessions/expire', { user: 'st.csr' });
    expect(
      (await sessionFetch(before.session, ST_TENANT, { headers: { accept: 'application/json' } })).status,
    ).toBe(401);

    // The caller reports the 401 and asks again: a new session, without waiting for anything else.
    await client.invalidate(id, 'unauthorized', before.sessionVersion);
    const after = await acquire(id);
    expect(after.sessionVersion).toBeGreaterThan(before.sessionVersion);
    expect(
      (await sessionFetch(after.session, ST_TENANT, { headers: { accept: 'application/json' } })).status,
    ).toBe(200);

    // Expired again, not reported: the session manager checks before handing it out (SESSION_VERIFY_AFTER=0).
    await st.control('POST', 'sessions/expire', { user: 'st.csr' });
    const fresh = new SessionClient({
      service: 'writer',
      servers: services.natsUrl,
      prefix,
      timeoutMs: 120_000,
    });
    await fresh.connect();
    try {
      const third = await fresh.acquire(id);
      acquired.push(third.session);
      for (const c of third.session.cookies) secrets.add(c.value);
      expect(third.sessionVersion).toBeGreaterThan(after.sessionVersion);
      expect(
        (await sessionFetch(third.session, ST_TENANT, { headers: { accept: 'application/json' } })).status,
      ).toBe(200);
    } finally {
      await fresh.close();
    }
    expect(await logins(st, 'st.csr')).toMatchObject({ successes: 3, failures: 0 });
  });

  it('wrong password: one attempt, needs_attention, connection.auth_failed, no lockout, no retry', async () => {
    // Another tenant's login to the same Jobber account, with a typo in the password.
    expect((await admin('PUT', '/tenants/tn_e2e_other', { name: 'Typo & Co' })).status).toBe(200);
    const id = await createConnection({
      tenantId: 'tn_e2e_other',
      vendor: 'jobber',
      portalUrl: jobber.url,
      username: 'office@greenleaf-hvac.example',
      password: 'Not-The-Password-42!',
      label: 'typo',
    });
    const before = await logins(jobber, 'office@greenleaf-hvac.example');
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'needs_attention', retriable: false });
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'needs_attention' });
    const after = await logins(jobber, 'office@greenleaf-hvac.example');
    expect(after.attempts - before.attempts).toBe(1);
    expect(after.failures - before.failures).toBe(1);
    expect((await jobber.control<LoginsReport>('GET', 'logins')).locked).toEqual([]);
    const view = await admin<{ status: string; statusReason: string }>('GET', `/connections/${id}`);
    expect(view.body).toMatchObject({ status: 'needs_attention', statusReason: 'invalid_credentials' });
    await expect(client.acquire(id)).rejects.toBeInstanceOf(SessionAcquireError);
  });

  it('vendor outage: the login is retried later with backoff, not in a loop', async () => {
    const closed = await freePort();
    const id = await createConnection({
      tenantId: 'tn_e2e_other',
      vendor: 'servicetitan',
      portalUrl: `http://127.0.0.1:${closed}`,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
    });
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'vendor_unavailable', retriable: true });
    // Inside the backoff window: refused at once, no second login.
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'login_failed', retriable: true });
    const view = await admin<{ status: string; consecutiveFailures: number; nextLoginAt: string | null }>(
      'GET',
      `/connections/${id}`,
    );
    expect(view.body).toMatchObject({ status: 'pending', consecutiveFailures: 1 });
    expect(Date.parse(view.body.nextLoginAt ?? '')).toBeGreaterThan(Date.now());
    await admin('POST', `/connections/${id}/disable`, { reason: 'e2e: portal gone' });
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'connection_disabled' });
  });

  it('POST /sessions returns a short-lived signed token for the connection; /sessions/refresh renews it', async () => {
    const list = await admin<{ data: { id: string; username: string }[] }>(
      'GET',
      '/connections?vendor=jobber&status=active',
    );
    const office = list.body.data.find((c) => c.username === 'office@greenleaf-hvac.example');
    if (!office) throw new Error('the Jobber office connection is missing');
    const wrong = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: office.id, username: office.username, password: 'nope-nope' }),
    });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        connectionId: office.id,
        username: office.username,
        password: 'Sandbox!Office1',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      authToken: string;
      expiresIn: number;
      user: { id: string; name: string; entitlements: string[] };
    };
    expect(body.expiresIn).toBeGreaterThan(60);
    expect(body.expiresIn).toBeLessThanOrEqual(3600);
    expect(body.user).toMatchObject({ name: 'Oscar Office' });
    expect(body.user.entitlements.length).toBeGreaterThan(0);
    const payload = body.authToken.split('.')[1] ?? '';
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      sub: office.id,
      tid: 'tn_e2e',
    });
    secrets.add(body.authToken);
    const refreshed = await fetch(`${base}/sessions/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.authToken}` },
    });
    expect(refreshed.status).toBe(200);
    const again = (await refreshed.json()) as { authToken: string };
    secrets.add(again.authToken);
    const forged = await fetch(`${base}/sessions/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.authToken.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
  });

  it('every state change is an event on FSM_EVENTS', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const stream = streamName('events', prefix);
    const types = new Map<string, number>();
    await expectEventually(
      async () => {
        const info = await jsm.streams.info(stream);
        expect(info.state.messages).toBeGreaterThanOrEqual(12);
      },
      { timeoutMs: 15_000 },
    );
    // The relay publishes asynchronously: read the whole stream again until every expected event is there.
    await expectEventually(
      async () => {
        types.clear();
        const count = (await jsm.streams.info(stream)).state.messages;
        const consumer = await js.consumers.get(stream);
        const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
        let seen = 0;
        for await (const m of messages) {
          const event = m.json<{ type: string }>();
          types.set(event.type, (types.get(event.type) ?? 0) + 1);
          const text = m.string();
          for (const s of secrets) expect(containsSecret(text, s)).toBe(false);
          seen += 1;
          if (seen === count) break;
        }
        expect(seen).toBe(count);
        expect(types.get('session.established')).toBeGreaterThanOrEqual(7);
        expect(types.get('connection.auth_failed')).toBe(2);
        expect(types.get('connection.mfa_required')).toBeGreaterThanOrEqual(4);
        expect(types.get('session.expired')).toBeGreaterThanOrEqual(2);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
  });

  it('no password, TOTP secret, MFA code, cookie value or token appears in a log line, an event or an unencrypted column', async () => {
    expect(secrets.size).toBeGreaterThan(15);
    const logs = manager.output();
    expect(logs).toContain('session established');
    for (const s of secrets) expect(containsSecret(logs, s)).toBe(false);

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(
      db,
    );
    let rowsSearched = 0;
    for (const { table_name } of tables.rows) {
      const rows = await sql<{
        t: string;
      }>`select row_to_json(x)::text as t from ${sql.table(table_name)} x`.execute(db);
      for (const { t } of rows.rows) {
        rowsSearched += 1;
        for (const s of secrets) {
          expect(containsSecret(t, s)).toBe(false);
          expect(t).not.toContain(Buffer.from(s).toString('hex'));
        }
      }
    }
    expect(rowsSearched).toBeGreaterThan(20);
  });
});
