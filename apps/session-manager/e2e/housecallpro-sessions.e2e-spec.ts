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
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';

/*
 * Housecall Pro texts a code on EVERY sign-in, so each login costs an SMS: the session manager must keep
 * one session alive (its keep-alive probe, `GET /api/whoami`, well inside the idle timeout) and log in
 * again only when the session's absolute lifetime runs out. Measured over a compressed 8-hour run of
 * continuous syncing: time runs 600× (idle 1 h → 6 s, absolute 12 h → 72 s, 8 h → 48 s: slack enough
 * for a loaded CI machine), the refresh tick and margin scaled alike. Real session manager process, real
 * sandbox process, real Chromium.
 */

jest.setTimeout(150_000);

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const SCALE = 600;
const HOUR_MS = 3_600_000 / SCALE;
const OWNER = 'owner@brightside-plumbing.example';
const OWNER_PHONE = '+15555550401';
/** What a caller asks a handed-out session to still last (the session manager's default 60 s, scaled). */
const MIN_VALIDITY_MS = Math.round(60_000 / SCALE);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Housecall Pro sessions through the session manager (compressed 8 h)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('hcpsess');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let hcp: PortalHandle;
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

  beforeAll(async () => {
    database = await createTestDatabase('hcp_sessions');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({
      SANDBOX_SESSION_TIMEOUTS: `housecallpro.idle=${HOUR_MS}ms,housecallpro.absolute=${12 * HOUR_MS}ms`,
      SANDBOX_API_LIMITS: 'off',
    });
    hcp = sandbox.portal('housecallpro');
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
      // The connector's policy at the same scale as the sandbox's timeouts.
      SESSION_TIMEOUTS: `housecallpro.idle=${HOUR_MS}ms,housecallpro.absolute=${12 * HOUR_MS}ms`,
      // The default 30 s tick and 10 min margin, scaled.
      SESSION_REFRESH_INTERVAL: '250ms',
      SESSION_REFRESH_MARGIN: `${Math.round(600_000 / SCALE)}ms`,
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
    await admin('PUT', '/tenants/tn_hcp', { name: 'Brightside' });
  });

  afterAll(async () => {
    await client?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('one login (one SMS) for 8 hours of continuous syncing, every call with a live session', async () => {
    const connection = await admin<{ id: string }>('POST', '/connections', {
      tenantId: 'tn_hcp',
      vendor: 'housecallpro',
      portalUrl: hcp.url,
      username: OWNER,
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: OWNER_PHONE },
    });
    const first = await client.acquire(connection.id, { minValidityMs: MIN_VALIDITY_MS });
    expect((await outboxTo(hcp, OWNER_PHONE)).length).toBe(1);

    // Syncing: a data call every ten "minutes" with whatever session the manager hands out, and a quiet
    // stretch of two "hours" in the middle (longer than the idle timeout) where only the session
    // manager's keep-alive holds the session.
    const started = Date.now();
    const statuses: number[] = [];
    const versions = new Set<number>([first.sessionVersion]);
    let quiet = false;
    while (Date.now() - started < 8 * HOUR_MS) {
      if (!quiet && Date.now() - started > 3 * HOUR_MS) {
        quiet = true;
        await sleep(2 * HOUR_MS);
        continue;
      }
      const got = await client.acquire(connection.id, { minValidityMs: MIN_VALIDITY_MS });
      versions.add(got.sessionVersion);
      const res = await sessionFetch(got.session, '/jobs?page_size=1', {
        headers: { accept: 'application/json' },
      });
      statuses.push(res.status);
      await res.body?.cancel();
      await sleep(HOUR_MS / 6);
    }
    expect(quiet).toBe(true);
    expect(statuses.length).toBeGreaterThan(8);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(versions.size).toBe(1);
    const report = await hcp.control<LoginsReport>('GET', 'logins');
    expect(report.users[OWNER]).toMatchObject({ successes: 1, mfaPrompts: 1 });
    expect(await outboxTo(hcp, OWNER_PHONE)).toHaveLength(1);
  });
});
