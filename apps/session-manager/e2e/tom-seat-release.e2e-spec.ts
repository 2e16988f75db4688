import * as cheerio from 'cheerio';
import { sessionFetch } from '@fieldsync/connector-kit';
import { expectEventually, type LoginsReport, type PortalHandle } from '@fieldsync/testing';
import { startSessionWorld, type SessionWorld } from './session-harness.util';

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

const TOM_ADMIN = { username: 'tomrds\\admin01', password: 'Sandbox1Admin' };

describe('TOM seats released by the session manager (licence limit 1)', () => {
  let world: SessionWorld;
  let tom: PortalHandle;
  let connectionId: string;
  let maxSeats = 0;
  let watching: NodeJS.Timeout | undefined;

  const seatsInUse = async () => (await tom.control<{ inUse: number }>('GET', 'licence')).inUse;
  /**
   * The connection holds its seat. Eventually: a release-first refresh runs every ~10 s here, and between
   * its logout and its sign-in the seat is free for a moment (by design: never two); `maxSeats` watches
   * that it never holds more than one.
   */
  const holdsOneSeat = () =>
    expectEventually(async () => expect(await seatsInUse()).toBe(1), { timeoutMs: 30_000, intervalMs: 100 });
  const eventsOf = async (type: string) =>
    world.db
      .selectFrom('change_events')
      .select(['payload'])
      .where('connection_id', '=', connectionId)
      .where('type', '=', type)
      .execute();

  async function readsTom(): Promise<string> {
    const { session } = await world.client.acquire(connectionId);
    const page = await sessionFetch(session, '/WorkOrders', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(cheerio.load(await page.text())('table#grid tbody tr').length).toBeGreaterThan(0);
    return session.cookies.find((c) => c.name === 'tom_session')?.value ?? '';
  }

  beforeAll(async () => {
    world = await startSessionWorld({
      name: 'tom_seats',
      sandboxEnv: { SANDBOX_API_LIMITS: 'off', SANDBOX_SIZE: '100' },
      managerEnv: {
        SESSION_TIMEOUTS: 'tom.idle=20s,tom.absolute=40s',
        SESSION_REFRESH_MARGIN: '30s',
        SESSION_REFRESH_INTERVAL: '500ms',
        SESSION_RETRY_BASE: '3s',
        SESSION_RETRY_MAX: '6s',
        SESSION_RELEASE_TIMEOUT: '5s',
        FIELDSYNC_SHUTDOWN_TIMEOUT_MS: '20000',
      },
    });
    tom = world.sandbox.portal('tom');
    await tom.control('POST', 'licence', { seats: 1 });
    await world.admin('PUT', '/tenants/tn_tom_seats', { name: 'TOM seats' });
    // Every 100 ms: the most seats the company file ever counted at once.
    watching = setInterval(() => {
      void seatsInUse()
        .then((n) => (maxSeats = Math.max(maxSeats, n)))
        .catch(() => undefined);
    }, 100);
  });

  afterAll(async () => {
    if (watching) clearInterval(watching);
    await world?.close();
  });

  it('refreshes with one seat: the old session is logged out first, no licence error, never two seats', async () => {
    ({ id: connectionId } = await world.admin<{ id: string }>('POST', '/connections', {
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
    await world.admin('POST', `/connections/${connectionId}/disable`, { reason: 'test' });
    expect(await seatsInUse()).toBe(0);
    await world.admin('POST', `/connections/${connectionId}/enable`);
    await expectEventually(readsTom, { timeoutMs: 60_000, intervalMs: 500 });
    await holdsOneSeat();
    expect(maxSeats).toBe(1);
  });

  it('SIGTERM logs the session out before the process exits: 0 seats, logged without secrets', async () => {
    const cookie = await readsTom();
    await holdsOneSeat();
    const exit = await world.manager.stop('SIGTERM');
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
    const row = await world.db
      .selectFrom('sessions')
      .select(['health', 'invalidated_reason'])
      .where('connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ health: 'invalid', invalidated_reason: 'released' });
    expect(maxSeats).toBe(1);
  });
});
