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
 * Total Office Manager's licensed seats are given back (AuthFlow.logout, TOM's Log Out), through the real
 * session manager process, the real sandbox process and real Chromium, with the company file licensed for
 * ONE concurrent connection:
 *  - every proactive refresh logs the old session out before signing in again (release-first): the
 *    refreshes succeed, none meets the licence error, and the sandbox never counts two seats;
 *  - disabling the connection frees its seat at once; enabling it takes the seat again;
 *  - SIGTERM: the session manager logs its session out before it exits, the sandbox holds 0 seats, and
 *    its logs name what it released without a password or cookie.
 * The session manager's TOM policy is compressed (absolute 40 s, refresh margin 30 s: a refresh about
 * every 10 s); the sandbox keeps its own 12 h, so an old session not logged out would keep its seat.
 */

jest.setTimeout(240_000);

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const TOM_ADMIN = { username: 'tomrds\\admin01', password: 'Sandbox1Admin' };

describe('TOM seats released by the session manager (licence limit 1)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('tomseat');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let tom: PortalHandle;
  let base: string;
  let client: SessionClient;
  let manager: SpawnedService;
  let connectionId: string;
  let maxSeats = 0;
  let watching: NodeJS.Timeout | undefined;

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
  const seatsInUse = async () => (await tom.control<{ inUse: number }>('GET', 'licence')).inUse;
  /**
   * The connection holds its seat. Eventually: a release-first refresh runs every ~10 s here, and between
   * its logout and its sign-in the seat is free for a moment (by design: never two); `maxSeats` watches
   * that it never holds more than one.
   */
  const holdsOneSeat = () =>
    expectEventually(async () => expect(await seatsInUse()).toBe(1), { timeoutMs: 30_000, intervalMs: 100 });
  const eventsOf = async (type: string) =>
    db
      .selectFrom('change_events')
      .select(['payload'])
      .where('connection_id', '=', connectionId)
      .where('type', '=', type)
      .execute();

  async function readsTom(): Promise<string> {
    const { session } = await client.acquire(connectionId);
    const page = await sessionFetch(session, '/WorkOrders', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(cheerio.load(await page.text())('table#grid tbody tr').length).toBeGreaterThan(0);
    return session.cookies.find((c) => c.name === 'tom_session')?.value ?? '';
  }

  beforeAll(async () => {
    database = await createTestDatabase('tom_seats');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_API_LIMITS: 'off', SANDBOX_SIZE: '100' });
    tom = sandbox.portal('tom');
    await tom.control('POST', 'licence', { seats: 1 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    manager = spawnService('session-manager', {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      FIELDSYNC_ADMIN_TOKEN: ADMIN,
      SESSION_TIMEOUTS: 'tom.idle=20s,tom.absolute=40s',
      SESSION_REFRESH_MARGIN: '30s',
      SESSION_REFRESH_INTERVAL: '500ms',
      SESSION_RETRY_BASE: '3s',
      SESSION_RETRY_MAX: '6s',
      SESSION_RELEASE_TIMEOUT: '5s',
      FIELDSYNC_SHUTDOWN_TIMEOUT_MS: '20000',
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
    await admin('PUT', '/tenants/tn_tom_seats', { name: 'TOM seats' });
    // Every 100 ms: the most seats the company file ever counted at once.
    watching = setInterval(() => {
      void seatsInUse()
        .then((n) => (maxSeats = Math.max(maxSeats, n)))
        .catch(() => undefined);
    }, 100);
  });

  afterAll(async () => {
    if (watching) clearInterval(watching);
    await client?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('refreshes with one seat: the old session is logged out first, no licence error, never two seats', async () => {
    ({ id: connectionId } = await admin<{ id: string }>('POST', '/connections', {
      tenantId: 'tn_tom_seats',
      vendor: 'tom',
      portalUrl: tom.url,
      ...TOM_ADMIN,
    }));
    const first = await expectEventually(readsTom, { timeoutMs: 60_000, intervalMs: 500 });
    await holdsOneSeat();

    await expectEventually(
      async () => expect((await eventsOf('session.refreshed')).length).toBeGreaterThanOrEqual(2),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(await eventsOf('connection.auth_failed')).toEqual([]);
    expect(maxSeats).toBe(1);
    await holdsOneSeat();
    // The extractor's session is a new one; the first one is logged out at the vendor.
    const current = await expectEventually(readsTom, { timeoutMs: 30_000, intervalMs: 500 });
    expect(current).not.toBe(first);
    const report = await tom.control<LoginsReport>('GET', 'logins');
    expect(report.users[TOM_ADMIN.username]?.failures ?? 0).toBe(0);
    expect(report.activeSessions[TOM_ADMIN.username]).toBe(1);
  });

  it('disabling the connection frees its seat at once; enabling it takes the seat again', async () => {
    await admin('POST', `/connections/${connectionId}/disable`, { reason: 'test' });
    expect(await seatsInUse()).toBe(0);
    await admin('POST', `/connections/${connectionId}/enable`);
    await expectEventually(readsTom, { timeoutMs: 60_000, intervalMs: 500 });
    await holdsOneSeat();
    expect(maxSeats).toBe(1);
  });

  it('SIGTERM logs the session out before the process exits: 0 seats, logged without secrets', async () => {
    const cookie = await readsTom();
    await holdsOneSeat();
    const exit = await manager.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(await seatsInUse()).toBe(0);
    const summary = exit.stdout
      .split('\n')
      .filter((line) => line.includes('shutdown: vendor sessions released'))
      .map((line) => JSON.parse(line) as { released: number; failed: number; live: number });
    expect(summary).toEqual([expect.objectContaining({ released: 1, failed: 0, live: 1 })]);
    expect(exit.stdout).toContain('session released at the vendor');
    for (const secret of [TOM_ADMIN.password, cookie]) {
      expect(cookie.length).toBeGreaterThan(10);
      expect(exit.stdout + exit.stderr).not.toContain(secret);
    }
    const row = await db
      .selectFrom('sessions')
      .select(['health', 'invalidated_reason'])
      .where('connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ health: 'invalid', invalidated_reason: 'released' });
    expect(maxSeats).toBe(1);
  });
});
