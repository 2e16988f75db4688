import * as cheerio from 'cheerio';
import { sessionFetch } from '@fieldsync/connector-kit';
import { expectEventually, outboxTo, type LoginsReport, type PortalHandle } from '@fieldsync/testing';
import { loginsOf, startSessionWorld, type SessionWorld } from './session-harness.util';

/*
 * Sessions of the vendors signed in through their web portals, through the real session manager process,
 * against the real sandbox process, with real Chromium — one sandbox and one session manager for the
 * three (what each case sets is scoped to its vendor):
 *  - Housecall Pro texts a code on EVERY sign-in, so each login costs an SMS: the session manager keeps one
 *    session alive (its keep-alive probe, `GET /api/whoami`, well inside the idle timeout) and logs in
 *    again only when the session's absolute lifetime runs out. Measured over a compressed 8-hour run of
 *    continuous syncing: time runs 600× (idle 1 h → 6 s, absolute 12 h → 72 s, 8 h → 48 s: slack enough
 *    for a loaded CI machine), the refresh tick and margin scaled alike.
 *  - Workiz: a user without a second factor, one with an SMS code and one with an email code (both read
 *    from the sandbox outbox by the MFA relay), each session then reading Workiz's API and web app; and a
 *    wrong password, refused after ONE attempt as needs_attention (never retried into Workiz's lockout).
 *  - Total Office Manager: a user without a second factor, one with an authenticator app (TOTP) and one
 *    with an emailed code, each session then reading a TOM grid; and the concurrent-connection licence:
 *    with one seat held by a person, the connection reports `license_limit`, backs off without signing in
 *    again, never holds more than its one session, and gets the seat once the person logs off.
 */

jest.setTimeout(300_000);

const SCALE = 600;
const HOUR_MS = 3_600_000 / SCALE;
const HCP_TIMEOUTS = `housecallpro.idle=${HOUR_MS}ms,housecallpro.absolute=${12 * HOUR_MS}ms`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('vendor sessions through the session manager (Housecall Pro, Workiz, Total Office Manager)', () => {
  let world: SessionWorld;

  beforeAll(async () => {
    world = await startSessionWorld({
      name: 'vendor_sessions',
      sandboxEnv: {
        SANDBOX_API_LIMITS: 'off',
        SANDBOX_SIZE: '300',
        SANDBOX_SESSION_TIMEOUTS: HCP_TIMEOUTS,
      },
      managerEnv: {
        // Housecall Pro's policy at the same scale as the sandbox's timeouts (the other vendors keep theirs).
        SESSION_TIMEOUTS: HCP_TIMEOUTS,
        // The default 30 s tick and 10 min margin, scaled (every vendor's sessions here last hours).
        SESSION_REFRESH_INTERVAL: '250ms',
        SESSION_REFRESH_MARGIN: `${Math.round(600_000 / SCALE)}ms`,
        // A TOM login refused for the licence is tried again soon (the person logs off within the test).
        SESSION_RETRY_BASE: '3s',
        SESSION_RETRY_MAX: '6s',
      },
    });
  });

  afterAll(async () => {
    await world?.close();
  });

  describe('Housecall Pro (compressed 8 h)', () => {
    const OWNER = 'owner@brightside-plumbing.example';
    const OWNER_PHONE = '+15555550401';
    /** What a caller asks a handed-out session to still last (the session manager's default 60 s, scaled). */
    const MIN_VALIDITY_MS = Math.round(60_000 / SCALE);

    it('one login (one SMS) for 8 hours of continuous syncing, every call with a live session', async () => {
      const hcp = world.sandbox.portal('housecallpro');
      const { client } = world;
      await world.admin('PUT', '/tenants/tn_hcp', { name: 'Brightside' });
      const connection = await world.admin<{ id: string }>('POST', '/connections', {
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

  describe('Workiz', () => {
    const OWNER = 'owner@workiz.sandbox.example';
    const OWNER_PHONE = '+15555550301';
    const OFFICE = 'office@workiz.sandbox.example';
    let workiz: PortalHandle;

    beforeAll(async () => {
      workiz = world.sandbox.portal('workiz');
      await world.admin('PUT', '/tenants/tn_workiz', { name: 'Workiz Co' });
    });

    const logins = (user: string) => loginsOf(workiz, user);
    const connect = (input: Record<string, unknown>) =>
      world.admin<{ id: string }>('POST', '/connections', {
        tenantId: 'tn_workiz',
        vendor: 'workiz',
        portalUrl: workiz.url,
        ...input,
      });

    /** The session reads the API (its token from Settings → Integrations) and the web app's JSON. */
    async function readsWorkiz(connectionId: string): Promise<void> {
      const { session } = await world.client.acquire(connectionId);
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
      const view = await world.admin<{ status: string }>('GET', `/connections/${id}`);
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
      await world.admin('PUT', '/tenants/tn_workiz_other', { name: 'Typo & Co' });
      const { id } = await connect({
        tenantId: 'tn_workiz_other',
        username: OWNER,
        password: 'Not-The-Password-42!',
        mfa: { method: 'sms', phone: OWNER_PHONE },
        label: 'typo',
      });
      await expect(world.client.acquire(id)).rejects.toMatchObject({
        code: 'needs_attention',
        retriable: false,
      });
      await expect(world.client.acquire(id)).rejects.toMatchObject({ code: 'needs_attention' });
      const after = await logins(OWNER);
      expect([after.attempts - before.attempts, after.failures - before.failures]).toEqual([1, 1]);
      expect(await outboxTo(workiz, OWNER_PHONE)).toHaveLength(sent);
      expect((await workiz.control<LoginsReport>('GET', 'logins')).locked).toEqual([]);
      const view = await world.admin<{ status: string; statusReason: string }>('GET', `/connections/${id}`);
      expect(view).toMatchObject({ status: 'needs_attention', statusReason: 'invalid_credentials' });
    });
  });

  describe('Total Office Manager', () => {
    const TOM_ADMIN = { username: 'tomrds\\admin01', password: 'Sandbox1Admin' };
    let tom: PortalHandle;

    beforeAll(async () => {
      tom = world.sandbox.portal('tom');
      await world.admin('PUT', '/tenants/tn_tom', { name: 'TOM Co' });
    });

    const logins = (user: string) => loginsOf(tom, user);
    const seatsInUse = async () => (await tom.control<{ inUse: number }>('GET', 'licence')).inUse;
    const connect = (input: Record<string, unknown>) =>
      world.admin<{ id: string }>('POST', '/connections', {
        tenantId: 'tn_tom',
        vendor: 'tom',
        portalUrl: tom.url,
        ...input,
      });

    /** The session reads the work orders grid. */
    async function readsTom(connectionId: string): Promise<void> {
      const { session } = await world.client.acquire(connectionId);
      const page = await sessionFetch(session, '/WorkOrders', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(cheerio.load(await page.text())('table#grid tbody tr').length).toBeGreaterThan(0);
    }

    /** A person signs in through the browser form (no Chromium needed: the form is plain HTML). */
    async function personSignsIn(): Promise<string> {
      const form = await fetch(`${tom.url}/Account/Login`);
      const pre =
        (form.headers.getSetCookie().find((c) => c.startsWith('tom_pre=')) ?? '').split(';')[0] ?? '';
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
      return (
        (done.headers.getSetCookie().find((c) => c.startsWith('tom_session=')) ?? '').split(';')[0] ?? ''
      );
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
      const { client, db } = world;
      await tom.control('POST', 'sessions/expire', {});
      await tom.control('POST', 'licence', { seats: 1 });
      const person = await personSignsIn();
      expect(await seatsInUse()).toBe(1);
      await world.admin('PUT', '/tenants/tn_tom_licence', { name: 'TOM licence' });
      const { id } = await connect({ ...TOM_ADMIN, tenantId: 'tn_tom_licence', label: 'licence' });
      const before = await logins(TOM_ADMIN.username);

      await expect(client.acquire(id)).rejects.toMatchObject({ code: 'vendor_unavailable', retriable: true });
      const view = await world.admin<{
        consecutiveFailures: number;
        nextLoginAt: string | null;
        status: string;
      }>('GET', `/connections/${id}`);
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
});
