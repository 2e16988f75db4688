import {
  AuthFlowError,
  BrowserPool,
  ENTITLEMENTS,
  sessionFetch,
  type CapturedSession,
  type ConnectionCredentials,
} from '@fieldsync/connector-kit';
import { servicetitanAuthFlow } from '../src';
import {
  freePort,
  killSpawnedServices,
  sandboxAuthContext,
  startSandbox,
  userOf,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';

/*
 * The ServiceTitan auth flow in a real Chromium (through the BrowserPool) against the real sandbox
 * process: password + TOTP, password + SMS (code from the outbox), SSO through the identity
 * provider, the redesigned login page, and the failures that must stop at once.
 */

jest.setTimeout(90_000);

const CUSTOMERS = '/crm/v2/tenant/1000042/customers?pageSize=1';

describe('ServiceTitan auth flow (Chromium against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let pool: BrowserPool;
  let logLines: string[];

  beforeAll(async () => {
    sandbox = await startSandbox();
    st = sandbox.portal('servicetitan');
    pool = new BrowserPool({ maxConcurrent: 2 });
  });

  beforeEach(async () => {
    // Also clears the TOTP replay memory: each test may use the current 30 s step again.
    await st.control('POST', 'reset');
    logLines = [];
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  function credentials(overrides: Partial<ConnectionCredentials> = {}): ConnectionCredentials {
    return {
      connectionId: 'conn-st-1',
      tenantId: 'tenant-1',
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      mfa: { method: 'totp' },
      ...overrides,
    };
  }

  async function logIn(
    creds: ConnectionCredentials,
    totpSecret?: string,
  ): Promise<{ session: CapturedSession; mfaPrompts: readonly string[] }> {
    let mfaPrompts: readonly string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
    const session = await pool.withPage(async (page) => {
      const ctx = sandboxAuthContext({
        page,
        credentials: creds,
        portal: st,
        logger,
        ...(totpSecret ? { totpSecret } : {}),
      });
      mfaPrompts = ctx.mfaPrompts;
      return servicetitanAuthFlow.login(ctx);
    });
    return { session, mfaPrompts };
  }

  async function loginError(creds: ConnectionCredentials, totpSecret?: string): Promise<AuthFlowError> {
    const error: unknown = await logIn(creds, totpSecret).then(
      () => new Error('the login succeeded'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthFlowError);
    return error as AuthFlowError;
  }

  async function customers(session: CapturedSession): Promise<Response> {
    return sessionFetch(session, CUSTOMERS, { headers: { accept: 'application/json' } });
  }

  /** A data call and check() work; after the sandbox expires the session, both say so. */
  async function expectLiveThenExpired(session: CapturedSession, username: string): Promise<void> {
    const res = await customers(session);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: unknown[] };
    expect(body.data).toHaveLength(1);
    expect(await servicetitanAuthFlow.check(session)).toEqual({
      valid: true,
      idleExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });

    expect(await st.control('POST', 'sessions/expire', { user: username })).toEqual({ expired: 1 });
    expect(await servicetitanAuthFlow.check(session)).toEqual({ valid: false, reason: 'expired' });
    expect((await customers(session)).status).toBe(401);
  }

  function expectNoSecretIn(text: string, secrets: string[]): void {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  it('logs in with password + TOTP and captures what the data calls need', async () => {
    const admin = await userOf(st, 'st.admin');
    const { session, mfaPrompts } = await logIn(credentials(), admin.totpSecret ?? '');

    expect(mfaPrompts).toEqual(['totp']);
    expect(session).toMatchObject({
      vendor: 'servicetitan',
      portalUrl: st.url,
      user: { id: 'st-admin', name: 'Avery Admin', role: 'Admin', entitlements: [...ENTITLEMENTS] },
      // The tenant every v2 API path carries, as the portal names it.
      account: { id: '1000042', name: 'Greenleaf Heating & Air' },
      deviceCookies: [],
    });
    expect(session.cookies.map((c) => c.name)).toContain('st_session');
    expect(session.headers['x-csrf-token']).toMatch(/.{16,}/);
    const lifetime = Date.parse(session.expiresAt) - Date.parse(session.establishedAt);
    expect(lifetime).toBe(12 * 3_600_000);
    expect(Math.abs(Date.parse(session.establishedAt) - Date.now())).toBeLessThan(60_000);

    // The captured CSRF token is the session's: a state-changing call with it is not refused as CSRF.
    const logout = await sessionFetch(session, '/logout', {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    expect(logout.status).toBe(200);
    expect((await customers(session)).status).toBe(401);

    const logins = await st.control<LoginsReport>('GET', 'logins');
    expect(logins.users['st.admin']).toEqual({
      attempts: 1,
      successes: 1,
      failures: 0,
      mfaPrompts: 1,
      lockouts: 0,
    });
    expectNoSecretIn(logLines.join('\n'), [
      'Sandbox!Admin1',
      admin.totpSecret ?? '',
      ...session.cookies.map((c) => c.value),
    ]);
  });

  it('TOTP session: a data call succeeds and check() is valid until the sandbox expires it', async () => {
    const admin = await userOf(st, 'st.admin');
    const { session } = await logIn(credentials(), admin.totpSecret ?? '');
    await expectLiveThenExpired(session, 'st.admin');
  });

  it('logs in with password + SMS, the code read from the outbox after the password step', async () => {
    const { session, mfaPrompts } = await logIn(
      credentials({
        username: 'st.dispatch',
        password: 'Sandbox!Dispatch1',
        mfa: { method: 'sms', destination: '+15555550101' },
      }),
    );
    expect(mfaPrompts).toEqual(['sms']);
    expect(session.user).toEqual({
      id: 'st-dispatch',
      name: 'Dana Dispatch',
      role: 'Dispatch',
      entitlements: ['clients', 'jobs', 'scheduling', 'technicians'],
    });
    await expectLiveThenExpired(session, 'st.dispatch');
  });

  it('logs an SSO user in through the identity provider', async () => {
    const { session, mfaPrompts } = await logIn(
      credentials({
        username: 'st.sso',
        password: 'Sandbox!Sso1',
        mfa: { method: 'none' },
        sso: { username: 'sam@northwind-hvac.example' },
      }),
    );
    expect(mfaPrompts).toEqual([]);
    expect(session.user).toEqual({
      id: 'st-sso',
      name: 'Sam Single-Sign-On',
      role: 'Accounting',
      entitlements: ['clients', 'invoices', 'payments'],
    });
    await expectLiveThenExpired(session, 'st.sso');
  });

  it('still logs in when the login page is redesigned (other ids, names, labels)', async () => {
    expect(await st.control('POST', 'faults', { loginPage: 'changed' })).toMatchObject({
      loginPage: 'changed',
    });
    const admin = await userOf(st, 'st.admin');
    const { session } = await logIn(credentials(), admin.totpSecret ?? '');
    expect((await customers(session)).status).toBe(200);
  });

  it('stops at the first refused password: one attempt, no lockout, no secret in the error', async () => {
    const error = await loginError(credentials({ password: 'Wrong!Password9' }));
    expect(error.reason).toBe('invalid_credentials');
    expect(error.retriable).toBe(false);
    const everything = `${error.message}\n${error.stack ?? ''}\n${String((error.cause as Error | undefined)?.stack)}`;
    expectNoSecretIn(everything, ['Wrong!Password9', 'Sandbox!Admin1']);

    const logins = await st.control<LoginsReport>('GET', 'logins');
    expect(logins.users['st.admin']).toEqual({
      attempts: 1,
      successes: 0,
      failures: 1,
      mfaPrompts: 0,
      lockouts: 0,
    });
    expect(logins.locked).toEqual([]);
    expect((await userOf(st, 'st.admin')).locked).toBe(false);
    expectNoSecretIn(logLines.join('\n'), ['Wrong!Password9']);
  });

  it('reports a refused TOTP code as mfa_failed without trying again', async () => {
    const csr = await userOf(st, 'st.csr'); // another user's secret: its codes are wrong for st.admin
    const error = await loginError(credentials(), csr.totpSecret ?? '');
    expect(error.reason).toBe('mfa_failed');
    expect(error.retriable).toBe(false);
    const logins = await st.control<LoginsReport>('GET', 'logins');
    expect(logins.users['st.admin']).toMatchObject({ attempts: 1, failures: 1, successes: 0, lockouts: 0 });
  });

  it('reports a locked account as account_locked', async () => {
    for (let i = 0; i < 5; i += 1) {
      const wrong = await loginError(credentials({ username: 'st.csr', password: `wrong-${i}` }));
      expect(wrong.reason).toBe(i < 4 ? 'invalid_credentials' : 'account_locked');
    }
    const error = await loginError(credentials({ username: 'st.csr', password: 'Sandbox!Csr1' }));
    expect(error.reason).toBe('account_locked');
    expect(error.retriable).toBe(false);
  });

  it('reports a portal that does not answer as vendor_unavailable (retriable)', async () => {
    const closedPort = await freePort();
    const error = await loginError(credentials({ portalUrl: `http://127.0.0.1:${closedPort}` }));
    expect(error.reason).toBe('vendor_unavailable');
    expect(error.retriable).toBe(true);
    expect(error.message).toBe('ServiceTitan: the login page did not load (net::ERR_CONNECTION_REFUSED)');
  });

  it('says a session is unknown, not expired, when the portal cannot be reached', async () => {
    const closedPort = await freePort();
    const check = await servicetitanAuthFlow.check({
      vendor: 'servicetitan',
      portalUrl: `http://127.0.0.1:${closedPort}`,
      cookies: [],
      headers: {},
      user: { id: 'x', name: 'x', role: 'Admin', entitlements: [] },
      establishedAt: new Date().toISOString(),
      expiresAt: new Date().toISOString(),
      deviceCookies: [],
    });
    expect(check).toMatchObject({ valid: 'unknown' });
  });
});
