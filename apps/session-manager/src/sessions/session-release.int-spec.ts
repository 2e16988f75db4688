import { randomBytes } from 'node:crypto';
import {
  AuthFlowError,
  type AuthFlow,
  type AuthFlowContext,
  type CapturedSession,
  type LogoutResult,
  type RefreshOrder,
} from '@fieldsync/connector-kit';
import { createDatabase, migrateToLatest, PersistenceModule, type DB } from '@fieldsync/persistence';
import { ADMIN_TOKEN, createLogger, LoggerModule, MetricsModule, parseConfig } from '@fieldsync/platform';
import { bootTestApp, createTestDatabase, type TestApp, type TestDatabase } from '@fieldsync/testing';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { DynamicModule } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import { sessionManagerConfigSchema } from '../config/session-manager.config';
import { ConnectionsService } from '../connections/connections.service';
import { AUTH_FLOWS } from './session.constants';
import { SessionService } from './session.service';
import { SessionShutdownService } from './session-shutdown.service';
import { SessionsModule } from './sessions.module';

/*
 * The order in which the session manager lets a vendor session go, against a real Postgres through the
 * real SessionsModule (its coordinator, advisory locks, change log, vault, Chromium pool). The vendor is a
 * scripted flow that records every sign-in and logout in one timeline (the real TOM flow against the real
 * sandbox is proved in apps/session-manager/e2e/tom-seat-release.e2e-spec.ts); the refresher is kept
 * idle (auto-login off, a 10 min tick) so only the calls of each test run.
 */

jest.setTimeout(120_000);

const VAULT_KEY = randomBytes(32);

/** A vendor whose sign-ins and logouts write one timeline; each session is `s<n>`. */
class ScriptedVendor implements AuthFlow {
  readonly vendor = 'tom' as const;
  readonly sessionPolicy = { idleMs: 20 * 60_000, absoluteMs: 12 * 3_600_000 };
  refreshOrder: RefreshOrder = 'release-first';
  timeline: string[] = [];
  logoutAnswer: LogoutResult = { released: true };
  loginFailure: AuthFlowError | undefined;
  private n = 0;

  login(ctx: AuthFlowContext): Promise<CapturedSession> {
    if (this.loginFailure) {
      this.timeline.push('login refused');
      return Promise.reject(this.loginFailure);
    }
    this.n += 1;
    const name = `s${String(this.n)}`;
    this.timeline.push(`login ${name}`);
    const now = Date.now();
    return Promise.resolve({
      vendor: 'tom',
      portalUrl: ctx.credentials.portalUrl,
      cookies: [
        {
          name: 'tom_session',
          value: name,
          domain: '127.0.0.1',
          path: '/',
          expires: -1,
          httpOnly: true,
          secure: false,
          sameSite: 'Lax',
        },
      ],
      headers: {},
      user: { id: 'u1', name: 'Admin', role: 'Administrator', entitlements: [] },
      establishedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.sessionPolicy.absoluteMs).toISOString(),
      deviceCookies: [],
    });
  }

  check(): Promise<{ valid: true }> {
    return Promise.resolve({ valid: true });
  }

  logout(session: CapturedSession): Promise<LogoutResult> {
    this.timeline.push(`logout ${session.cookies[0]?.value ?? '?'}`);
    return Promise.resolve(this.logoutAnswer);
  }
}

function root(databaseUrl: string): DynamicModule {
  const result = parseConfig(sessionManagerConfigSchema, {
    DATABASE_URL: databaseUrl,
    NATS_URL: 'nats://127.0.0.1:4222',
    FIELDSYNC_VAULT_KEY: VAULT_KEY.toString('base64'),
    SESSION_AUTO_LOGIN: 'false',
    SESSION_REFRESH_INTERVAL: '10m',
    SESSION_VERIFY_AFTER: '1h',
  });
  if (!result.ok) throw new Error(`test config: ${JSON.stringify(result.issues)}`);
  class SessionReleaseTestRoot {}
  return {
    module: SessionReleaseTestRoot,
    global: true,
    imports: [
      LoggerModule.forRoot(createLogger({ level: 'silent', name: 'session-release-int' })),
      PersistenceModule.forRoot({ url: databaseUrl, poolMax: 6 }),
      MetricsModule.forRoot({ service: 'session-manager' }),
      SessionsModule,
    ],
    providers: [
      { provide: SESSION_MANAGER_CONFIG, useValue: result.config },
      { provide: ADMIN_TOKEN, useValue: 'admin-token-for-the-int-spec-only' },
      { provide: Vault, useValue: new Vault(KeyRing.from({ id: 'k1', key: VAULT_KEY })) },
    ],
    exports: [SESSION_MANAGER_CONFIG, ADMIN_TOKEN, Vault],
  };
}

describe('releasing vendor sessions (real Postgres, real SessionsModule)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let testApp: TestApp;
  let vendor: ScriptedVendor;
  let sessions: SessionService;
  let connections: ConnectionsService;
  let tenant = 0;

  const newConnection = async (): Promise<string> => {
    tenant += 1;
    const tenantId = `tn_release_${String(tenant)}`;
    await connections.upsertTenant(tenantId, 'Release test');
    const view = await connections.create({
      tenantId,
      vendor: 'tom',
      portalUrl: 'http://127.0.0.1:4105',
      username: 'tomrds\\admin01',
      password: 'Sandbox1Admin',
      mfa: { method: 'none' },
    });
    return view.id;
  };
  const row = (connectionId: string) =>
    db
      .selectFrom('sessions')
      .select(['version', 'health', 'invalidated_reason'])
      .where('connection_id', '=', connectionId)
      .executeTakeFirstOrThrow();
  const eventTypes = async (connectionId: string) =>
    (
      await db
        .selectFrom('change_events')
        .select(['type'])
        .where('connection_id', '=', connectionId)
        .orderBy('sequence')
        .execute()
    ).map((e) => e.type);

  beforeAll(async () => {
    database = await createTestDatabase('session_release');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    vendor = new ScriptedVendor();
    testApp = await bootTestApp(root(database.url), {
      configure: (builder) => builder.overrideProvider(AUTH_FLOWS).useValue(new Map([['tom', vendor]])),
    });
    sessions = testApp.app.get(SessionService);
    connections = testApp.app.get(ConnectionsService);
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.destroy();
    await database?.drop();
  });

  beforeEach(() => {
    vendor.timeline = [];
    vendor.refreshOrder = 'release-first';
    vendor.logoutAnswer = { released: true };
    vendor.loginFailure = undefined;
  });

  it('release-first: a refresh logs the old session out, then signs in (never two at the vendor)', async () => {
    const id = await newConnection();
    const first = await sessions.acquire(id);
    const refreshed = await sessions.refresh(id, first.row.version);
    expect(vendor.timeline).toEqual(['login s1', 'logout s1', 'login s2']);
    expect(refreshed.row.version).toBe(first.row.version + 1);
    expect(await row(id)).toMatchObject({ health: 'healthy', invalidated_reason: null });
    expect(await eventTypes(id)).toEqual(['session.established', 'session.refreshed']);
  });

  it('release-first: a logout the vendor does not confirm keeps the old session and signs in nobody', async () => {
    const id = await newConnection();
    const first = await sessions.acquire(id);
    vendor.logoutAnswer = { released: false, error: 'POST /Account/LogOff answered HTTP 503' };
    const kept = await sessions.refresh(id, first.row.version);
    const name = String(first.session.cookies[0]?.value);
    expect(vendor.timeline).toEqual([`login ${name}`, `logout ${name}`]);
    expect(kept.row.version).toBe(first.row.version);
    expect(await row(id)).toMatchObject({ version: first.row.version, health: 'healthy' });
  });

  it('release-first: a sign-in refused after the logout leaves no session (session.expired), never the dead one', async () => {
    const id = await newConnection();
    const first = await sessions.acquire(id);
    vendor.loginFailure = new AuthFlowError('license_limit', 'licence full');
    await expect(sessions.refresh(id, first.row.version)).rejects.toMatchObject({ retriable: true });
    expect(vendor.timeline.slice(-2)).toEqual([expect.stringMatching(/^logout s\d+$/), 'login refused']);
    expect(await row(id)).toMatchObject({ health: 'invalid', invalidated_reason: 'released' });
    expect(await eventTypes(id)).toEqual([
      'session.established',
      'session.expired',
      'connection.auth_failed',
    ]);
  });

  it('login-first: signs in, stores the new session, then logs the old one out', async () => {
    vendor.refreshOrder = 'login-first';
    const id = await newConnection();
    const first = await sessions.acquire(id);
    const old = first.session.cookies[0]?.value;
    const refreshed = await sessions.refresh(id, first.row.version);
    const fresh = refreshed.session.cookies[0]?.value;
    expect(vendor.timeline.slice(-2)).toEqual([`login ${String(fresh)}`, `logout ${String(old)}`]);
  });

  it('an operator revoke, then an acquire: the revoked session is logged out before the new sign-in', async () => {
    const id = await newConnection();
    const first = await sessions.acquire(id);
    const old = first.session.cookies[0]?.value;
    await sessions.invalidate(id, 'manual');
    const next = await sessions.acquire(id);
    expect(vendor.timeline.slice(-2)).toEqual([
      `logout ${String(old)}`,
      `login ${String(next.session.cookies[0]?.value)}`,
    ]);
  });

  it('disabling a connection logs its session out; a failed logout does not stop the disable', async () => {
    const id = await newConnection();
    const first = await sessions.acquire(id);
    await connections.disable(id, 'test');
    expect(vendor.timeline.at(-1)).toBe(`logout ${String(first.session.cookies[0]?.value)}`);
    expect(await row(id)).toMatchObject({ health: 'invalid', invalidated_reason: 'connection_disabled' });

    const other = await newConnection();
    await sessions.acquire(other);
    vendor.logoutAnswer = { released: false, error: 'no answer' };
    await expect(connections.disable(other, 'test')).resolves.toMatchObject({ status: 'disabled' });
  });

  it('shutdown: logs every live session out, marks it released, then refuses to sign in again', async () => {
    const a = await newConnection();
    const b = await newConnection();
    const sa = await sessions.acquire(a);
    const sb = await sessions.acquire(b);
    vendor.timeline = [];
    const counts = await testApp.app.get(SessionShutdownService).releaseAll(AbortSignal.timeout(10_000));
    expect(counts.released).toBeGreaterThanOrEqual(2);
    expect(vendor.timeline).toEqual(
      expect.arrayContaining([
        `logout ${String(sa.session.cookies[0]?.value)}`,
        `logout ${String(sb.session.cookies[0]?.value)}`,
      ]),
    );
    expect(vendor.timeline.every((t) => t.startsWith('logout'))).toBe(true);
    for (const id of [a, b]) {
      expect(await row(id)).toMatchObject({ health: 'invalid', invalidated_reason: 'released' });
      expect((await eventTypes(id)).at(-1)).toBe('session.expired');
    }
    await expect(sessions.acquire(a)).rejects.toMatchObject({ code: 'vendor_unavailable', retriable: true });
    expect(vendor.timeline.some((t) => t.startsWith('login'))).toBe(false);
  });
});
