import { randomBytes } from 'node:crypto';
import * as cheerio from 'cheerio';
import { sessionFetch } from '@fieldsync/connector-kit';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { SessionClient } from '@fieldsync/session-client';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  expectEventually,
  freePort,
  getTestServices,
  killSpawnedServices,
  outboxTo,
  spawnService,
  startSandbox,
  uniqueStreamPrefix,
  type LoginCounts,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';

/*
 * Total Office Manager connections through the real session manager process, against the real sandbox
 * process, with real Chromium: a user without a second factor, one with an authenticator app (TOTP) and
 * one with an emailed code (read from the sandbox outbox by the MFA relay), each session then reading a
 * TOM grid; and the concurrent-connection licence: with one seat held by a person, the connection reports
 * `license_limit`, backs off without signing in again, never holds more than its one session, and gets
 * the seat once the person logs off.
 */

jest.setTimeout(150_000);

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const TOM_ADMIN = { username: 'tomrds\\admin01', password: 'Sandbox1Admin' };

describe('Total Office Manager sessions through the session manager', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('tomsess');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let tom: PortalHandle;
  let base: string;
  let client: SessionClient;
  let manager: SpawnedService;

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  const logins = async (user: string): Promise<LoginCounts> => {
    const report = await tom.control<LoginsReport>('GET', 'logins');
    return report.users[user] ?? { attempts: 0, successes: 0, failures: 0, mfaPrompts: 0, lockouts: 0 };
  };
  const seatsInUse = async () => (await tom.control<{ inUse: number }>('GET', 'licence')).inUse;

  const connect = (input: Record<string, unknown>) =>
    admin<{ id: string }>('POST', '/connections', {
      tenantId: 'tn_tom',
      vendor: 'tom',
      portalUrl: tom.url,
      ...input,
    });

  /** The session reads the work orders grid. */
  async function readsTom(connectionId: string): Promise<void> {
    const { session } = await client.acquire(connectionId);
    const page = await sessionFetch(session, '/WorkOrders', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(cheerio.load(await page.text())('table#grid tbody tr').length).toBeGreaterThan(0);
  }

  /** A person signs in through the browser form (no Chromium needed: the form is plain HTML). */
  async function personSignsIn(): Promise<string> {
    const form = await fetch(`${tom.url}/Account/Login`);
    const pre = (form.headers.getSetCookie().find((c) => c.startsWith('tom_pre=')) ?? '').split(';')[0] ?? '';
    const token =
      cheerio
        .load(await form.text())('input[name="__RequestVerificationToken"]')
        .attr('value') ?? '';
    const res = await fetch(`${tom.url}/Account/Login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        __RequestVerificationToken: token,
        UserName: 'tomrds\\dispatch03',
        Password: 'Sandbox3Dispatch',
      }).toString(),
    });
    expect(res.status).toBe(303);
    // The dispatcher has an emailed code: take it from the outbox.
    const verify =
      (res.headers.getSetCookie().find((c) => c.startsWith('tom_verify=')) ?? '').split(';')[0] ?? '';
    const page = await fetch(`${tom.url}/Account/Verify`, { headers: { cookie: `${pre}; ${verify}` } });
    const verifyToken =
      cheerio
        .load(await page.text())('input[name="__RequestVerificationToken"]')
        .attr('value') ?? '';
    const messages = await outboxTo(tom, 'dispatch@tom.sandbox.example');
    const code = messages[messages.length - 1]?.code ?? '';
    const done = await fetch(`${tom.url}/Account/Verify`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `${pre}; ${verify}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ __RequestVerificationToken: verifyToken, Code: code }).toString(),
    });
    expect(done.status).toBe(303);
    return (done.headers.getSetCookie().find((c) => c.startsWith('tom_session=')) ?? '').split(';')[0] ?? '';
  }

  async function personLogsOff(cookie: string): Promise<void> {
    const home = await fetch(`${tom.url}/home`, { headers: { cookie, accept: 'text/html' } });
    const csrf =
      cheerio
        .load(await home.text())('meta[name="csrf-token"]')
        .attr('content') ?? '';
    const res = await fetch(`${tom.url}/Account/LogOff`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ __RequestVerificationToken: csrf }).toString(),
    });
    expect(res.status).toBe(303);
  }

  beforeAll(async () => {
    database = await createTestDatabase('tom_sessions');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_API_LIMITS: 'off', SANDBOX_SIZE: '300' });
    tom = sandbox.portal('tom');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    manager = spawnService('session-manager', {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      FIELDSYNC_ADMIN_TOKEN: ADMIN,
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
      SESSION_MFA_TIMEOUT: '30s',
      SESSION_RETRY_BASE: '3s',
      SESSION_RETRY_MAX: '6s',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await manager.waitReady(port);
    client = new SessionClient({
      service: 'extractor',
      servers: services.natsUrl,
      prefix,
      timeoutMs: 60_000,
    });
    await client.connect();
    await admin('PUT', '/tenants/tn_tom', { name: 'TOM Co' });
  });

  afterAll(async () => {
    await client?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('signs in a user without a second factor', async () => {
    const { id } = await connect(TOM_ADMIN);
    await readsTom(id);
    expect(await logins(TOM_ADMIN.username)).toMatchObject({ successes: 1, mfaPrompts: 0 });
  });

  it('signs in with the authenticator app (TOTP)', async () => {
    const users = await tom.control<{ users: { username: string; totpSecret: string | null }[] }>(
      'GET',
      'users',
    );
    const office = users.users.find((u) => u.username === 'tomrds\\office02');
    const { id } = await connect({
      username: 'tomrds\\office02',
      password: 'Sandbox2Office',
      mfa: { method: 'totp', secret: office?.totpSecret },
    });
    await readsTom(id);
    expect(await logins('tomrds\\office02')).toMatchObject({ successes: 1, mfaPrompts: 1 });
  });

  it('signs in with an emailed code through the MFA relay', async () => {
    const { id } = await connect({
      username: 'tomrds\\dispatch03',
      password: 'Sandbox3Dispatch',
      mfa: { method: 'email', email: 'dispatch@tom.sandbox.example' },
    });
    await readsTom(id);
    expect(await outboxTo(tom, 'dispatch@tom.sandbox.example')).toHaveLength(1);
  });

  it('licence limit 1 with a person signed in: license_limit, backs off, never more than its one session, then the seat', async () => {
    await tom.control('POST', 'sessions/expire', {});
    await tom.control('POST', 'licence', { seats: 1 });
    const person = await personSignsIn();
    expect(await seatsInUse()).toBe(1);
    await admin('PUT', '/tenants/tn_tom_licence', { name: 'TOM licence' });
    const { id } = await connect({ ...TOM_ADMIN, tenantId: 'tn_tom_licence', label: 'licence' });
    const before = await logins(TOM_ADMIN.username);

    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'vendor_unavailable', retriable: true });
    const view = await admin<{ consecutiveFailures: number; nextLoginAt: string | null; status: string }>(
      'GET',
      `/connections/${id}`,
    );
    expect(view).toMatchObject({ status: 'pending', consecutiveFailures: 1 });
    expect(view.nextLoginAt).not.toBeNull();
    const failed = await db
      .selectFrom('change_events')
      .select(['payload'])
      .where('connection_id', '=', id)
      .where('type', '=', 'connection.auth_failed')
      .execute();
    expect(failed.map((e) => (JSON.parse(e.payload) as { data: { reason: string } }).data.reason)).toEqual([
      'license_limit',
    ]);
    // Backing off: asked again at once, no new sign-in is attempted.
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'login_failed' });
    expect((await logins(TOM_ADMIN.username)).attempts - before.attempts).toBe(1);
    expect(await seatsInUse()).toBe(1);

    await personLogsOff(person);
    expect(await seatsInUse()).toBe(0);
    await expectEventually(async () => readsTom(id), { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(await seatsInUse()).toBe(1);
    const report = await tom.control<LoginsReport>('GET', 'logins');
    expect(report.activeSessions[TOM_ADMIN.username]).toBe(1);
    await tom.control('POST', 'licence', { seats: 5 });
  });
});
