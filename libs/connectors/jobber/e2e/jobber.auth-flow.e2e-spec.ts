import {
  AuthFlowError,
  BrowserPool,
  ENTITLEMENTS,
  sessionFetch,
  type CapturedSession,
  type ConnectionCredentials,
  type SessionCookie,
} from '@fieldsync/connector-kit';
import { JOBBER_GRAPHQL_VERSION, jobberAuthFlow } from '../src';
import {
  killSpawnedServices,
  outboxTo,
  sandboxAuthContext,
  startSandbox,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';

/*
 * The Jobber auth flow in a real Chromium (through the BrowserPool) against the real sandbox
 * process: the two-step SMS on an unrecognised device only (the captured device cookie spares the
 * next one), a user without two-step, GraphQL data calls with the captured session, failures.
 */

jest.setTimeout(90_000);

const OWNER_PHONE = '+15555550201';
const CLIENTS_QUERY = '{ clients(first: 1) { nodes { id } } }';

interface GraphqlBody {
  data?: { clients?: { nodes: { id: string }[] } };
  errors?: unknown[];
  extensions?: { versioning?: { version: string; warning?: string } };
}

describe('Jobber auth flow (Chromium against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let jobber: PortalHandle;
  let pool: BrowserPool;

  beforeAll(async () => {
    sandbox = await startSandbox();
    jobber = sandbox.portal('jobber');
    pool = new BrowserPool({ maxConcurrent: 2 });
  });

  beforeEach(async () => {
    await jobber.control('POST', 'reset');
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const owner = (): ConnectionCredentials => ({
    connectionId: 'conn-jobber-owner',
    tenantId: 'tenant-1',
    vendor: 'jobber',
    portalUrl: jobber.url,
    username: 'owner@greenleaf-hvac.example',
    password: 'Sandbox!Owner1',
    mfa: { method: 'sms', destination: OWNER_PHONE },
  });
  const office = (): ConnectionCredentials => ({
    connectionId: 'conn-jobber-office',
    tenantId: 'tenant-1',
    vendor: 'jobber',
    portalUrl: jobber.url,
    username: 'office@greenleaf-hvac.example',
    password: 'Sandbox!Office1',
    mfa: { method: 'none' },
  });

  async function logIn(
    credentials: ConnectionCredentials,
    deviceCookies: readonly SessionCookie[] = [],
  ): Promise<{ session: CapturedSession; mfaPrompts: readonly string[] }> {
    let mfaPrompts: readonly string[] = [];
    const session = await pool.withPage(
      async (page) => {
        const ctx = sandboxAuthContext({ page, credentials, portal: jobber });
        mfaPrompts = ctx.mfaPrompts;
        return jobberAuthFlow.login(ctx);
      },
      { cookies: deviceCookies },
    );
    return { session, mfaPrompts };
  }

  async function clients(
    session: CapturedSession,
  ): Promise<{ status: number; body: GraphqlBody | undefined }> {
    const res = await sessionFetch(session, '/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: CLIENTS_QUERY }),
    });
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as GraphqlBody) : undefined };
  }

  async function expectGraphqlWorks(session: CapturedSession): Promise<void> {
    const { status, body } = await clients(session);
    expect(status).toBe(200);
    expect(body?.errors).toBeUndefined();
    expect(body?.data?.clients?.nodes).toHaveLength(1);
    expect(body?.extensions?.versioning).toEqual({ version: JOBBER_GRAPHQL_VERSION });
  }

  it('asks for the SMS code on the first login only: the captured device cookie spares the next one', async () => {
    const first = await logIn(owner());
    expect(first.mfaPrompts).toEqual(['sms']);
    expect(first.session.user).toEqual({
      id: 'jobber-owner',
      name: 'Olive Owner',
      role: expect.stringMatching(/^Account owner/) as unknown,
      entitlements: [...ENTITLEMENTS],
    });
    expect(first.session.deviceCookies).toEqual([
      expect.objectContaining({ name: '_jobber_device', expires: expect.any(Number) as unknown }) as unknown,
    ]);
    expect(first.session.deviceCookies[0]?.expires).toBeGreaterThan(Date.now() / 1000 + 300 * 24 * 3600);
    expect(first.session.cookies.map((c) => c.name)).toContain('_jobber_session');
    expect(first.session.headers).toEqual({
      'x-csrf-token': expect.stringMatching(/.{16,}/) as unknown,
      'x-jobber-graphql-version': JOBBER_GRAPHQL_VERSION,
    });
    const lifetime = Date.parse(first.session.expiresAt) - Date.parse(first.session.establishedAt);
    expect(lifetime).toBe(14 * 24 * 3_600_000);
    await expectGraphqlWorks(first.session);
    expect(await jobberAuthFlow.check(first.session)).toEqual({
      valid: true,
      idleExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });

    // A second login in a fresh context that holds only the device cookie: no SMS step.
    const second = await logIn(owner(), first.session.deviceCookies);
    expect(second.mfaPrompts).toEqual([]);
    await expectGraphqlWorks(second.session);
    expect(second.session.deviceCookies.map((c) => c.value)).toEqual(
      first.session.deviceCookies.map((c) => c.value),
    );
    expect(await outboxTo(jobber, OWNER_PHONE)).toHaveLength(1);
    const logins = await jobber.control<LoginsReport>('GET', 'logins');
    expect(logins.users['owner@greenleaf-hvac.example']).toEqual({
      attempts: 2,
      successes: 2,
      failures: 0,
      mfaPrompts: 1,
      lockouts: 0,
    });

    // And without it, the device is unknown again.
    const third = await logIn(owner());
    expect(third.mfaPrompts).toEqual(['sms']);
  });

  it('logs a user without two-step in, and the session expires when the sandbox says so', async () => {
    const { session, mfaPrompts } = await logIn(office());
    expect(mfaPrompts).toEqual([]);
    expect(session.user).toEqual({
      id: 'jobber-office',
      name: 'Oscar Office',
      role: 'Office staff (no two-step)',
      entitlements: ['clients', 'jobs', 'scheduling', 'estimates', 'invoices'],
    });
    expect(session.deviceCookies).toEqual([]);
    await expectGraphqlWorks(session);
    expect(await jobberAuthFlow.check(session)).toMatchObject({ valid: true });

    expect(
      await jobber.control('POST', 'sessions/expire', { user: 'office@greenleaf-hvac.example' }),
    ).toEqual({
      expired: 1,
    });
    expect(await jobberAuthFlow.check(session)).toEqual({ valid: false, reason: 'expired' });
    expect((await clients(session)).status).toBe(401);
  });

  it('still logs in when the login page is redesigned (other ids, names, labels)', async () => {
    expect(await jobber.control('POST', 'faults', { loginPage: 'changed' })).toMatchObject({
      loginPage: 'changed',
    });
    const { session } = await logIn(office());
    await expectGraphqlWorks(session);
  });

  it('stops at the first refused password: one attempt, no lockout, no secret in the error', async () => {
    const error: unknown = await logIn({ ...owner(), password: 'Wrong!Password9' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthFlowError);
    const failure = error as AuthFlowError;
    expect(failure.reason).toBe('invalid_credentials');
    expect(failure.retriable).toBe(false);
    for (const secret of ['Wrong!Password9', 'Sandbox!Owner1']) {
      expect(`${failure.message}\n${failure.stack ?? ''}`).not.toContain(secret);
    }
    const logins = await jobber.control<LoginsReport>('GET', 'logins');
    expect(logins.users['owner@greenleaf-hvac.example']).toEqual({
      attempts: 1,
      successes: 0,
      failures: 1,
      mfaPrompts: 0,
      lockouts: 0,
    });
    expect(logins.locked).toEqual([]);
    expect(await outboxTo(jobber, OWNER_PHONE)).toEqual([]);
  });

  it('refuses to guess when Jobber asks for a code the connection cannot receive', async () => {
    const error: unknown = await logIn({ ...owner(), mfa: { method: 'none' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthFlowError);
    expect((error as AuthFlowError).reason).toBe('mfa_failed');
    expect((error as AuthFlowError).message).toMatch(/MFA method is none/);
  });
});
