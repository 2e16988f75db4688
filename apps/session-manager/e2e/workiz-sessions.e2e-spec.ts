import { randomBytes } from 'node:crypto';
import { sessionFetch } from '@fieldsync/connector-kit';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { SessionClient } from '@fieldsync/session-client';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
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
 * Workiz connections through the real session manager process, against the real sandbox process, with
 * real Chromium: a user without a second factor, one with an SMS code and one with an email code (both
 * read from the sandbox outbox by the MFA relay), each session then reading Workiz's API and web app; and
 * a wrong password, refused after ONE attempt as needs_attention (never retried into Workiz's lockout).
 */

jest.setTimeout(150_000);

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const OWNER = 'owner@workiz.sandbox.example';
const OWNER_PHONE = '+15555550301';
const OFFICE = 'office@workiz.sandbox.example';

describe('Workiz sessions through the session manager', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('wzsess');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let workiz: PortalHandle;
  let manager: SpawnedService;
  let base: string;
  let client: SessionClient;

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
    const report = await workiz.control<LoginsReport>('GET', 'logins');
    return report.users[user] ?? { attempts: 0, successes: 0, failures: 0, mfaPrompts: 0, lockouts: 0 };
  };

  const connect = (input: Record<string, unknown>) =>
    admin<{ id: string }>('POST', '/connections', {
      tenantId: 'tn_workiz',
      vendor: 'workiz',
      portalUrl: workiz.url,
      ...input,
    });

  /** The session reads the API (its token from Settings → Integrations) and the web app's JSON. */
  async function readsWorkiz(connectionId: string): Promise<void> {
    const { session } = await client.acquire(connectionId);
    const integrations = await sessionFetch(session, '/ajaxc/account/integrations/', {
      headers: { accept: 'application/json' },
    });
    expect(integrations.status).toBe(200);
    const token = ((await integrations.json()) as { developer_api: { api_token: string } }).developer_api
      .api_token;
    const jobs = await sessionFetch(session, `/api/v1/${token}/job/all/?records=1`, {
      headers: { accept: 'application/json' },
    });
    expect(jobs.status).toBe(200);
    expect(((await jobs.json()) as { flag: boolean }).flag).toBe(true);
  }

  beforeAll(async () => {
    database = await createTestDatabase('workiz_sessions');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_API_LIMITS: 'off' });
    workiz = sandbox.portal('workiz');
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
    await admin('PUT', '/tenants/tn_workiz', { name: 'Workiz Co' });
  });

  afterAll(async () => {
    await client?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('logs in a user without a second factor', async () => {
    const { id } = await connect({ username: 'admin@workiz.sandbox.example', password: 'Sandbox!Admin1' });
    await readsWorkiz(id);
    expect(await logins('admin@workiz.sandbox.example')).toMatchObject({ successes: 1, mfaPrompts: 0 });
  });

  it('logs in with an SMS code through the MFA relay', async () => {
    const { id } = await connect({
      username: OWNER,
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: OWNER_PHONE },
    });
    await readsWorkiz(id);
    expect(await outboxTo(workiz, OWNER_PHONE)).toHaveLength(1);
    expect(await logins(OWNER)).toMatchObject({ successes: 1, mfaPrompts: 1 });
    const view = await admin<{ status: string }>('GET', `/connections/${id}`);
    expect(view.status).toBe('active');
  });

  it('logs in with an email code through the MFA relay', async () => {
    const { id } = await connect({
      username: OFFICE,
      password: 'Sandbox!Office1',
      mfa: { method: 'email', email: OFFICE },
    });
    await readsWorkiz(id);
    expect(await outboxTo(workiz, OFFICE)).toHaveLength(1);
    expect(await logins(OFFICE)).toMatchObject({ successes: 1, mfaPrompts: 1 });
  });

  it('a wrong password: one attempt, needs_attention, no code sent, no lockout', async () => {
    const before = await logins(OWNER);
    const sent = (await outboxTo(workiz, OWNER_PHONE)).length;
    // Another tenant's connection to the same Workiz user, with a typo in the password.
    await admin('PUT', '/tenants/tn_workiz_other', { name: 'Typo & Co' });
    const { id } = await connect({
      tenantId: 'tn_workiz_other',
      username: OWNER,
      password: 'Not-The-Password-42!',
      mfa: { method: 'sms', phone: OWNER_PHONE },
      label: 'typo',
    });
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'needs_attention', retriable: false });
    await expect(client.acquire(id)).rejects.toMatchObject({ code: 'needs_attention' });
    const after = await logins(OWNER);
    expect([after.attempts - before.attempts, after.failures - before.failures]).toEqual([1, 1]);
    expect(await outboxTo(workiz, OWNER_PHONE)).toHaveLength(sent);
    expect((await workiz.control<LoginsReport>('GET', 'logins')).locked).toEqual([]);
    const view = await admin<{ status: string; statusReason: string }>('GET', `/connections/${id}`);
    expect(view).toMatchObject({ status: 'needs_attention', statusReason: 'invalid_credentials' });
  });
});
