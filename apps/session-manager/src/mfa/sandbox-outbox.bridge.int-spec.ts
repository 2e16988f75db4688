import { randomBytes } from 'node:crypto';
import { createDatabase, migrateToLatest, PersistenceModule, type DB } from '@fieldsync/persistence';
import { MetricsModule, parseConfig } from '@fieldsync/platform';
import {
  bootTestApp,
  createTestDatabase,
  outboxTo,
  startSandbox,
  type PortalHandle,
  type RunningSandbox,
  type TestApp,
  type TestDatabase,
} from '@fieldsync/testing';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { DynamicModule } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import { sessionManagerConfigSchema } from '../config/session-manager.config';
import { MfaModule } from './mfa.module';
import { MfaRelayService } from './mfa-relay.service';

/*
 * The sandbox bridge against the real vendor sandbox process: a ServiceTitan login driven over plain
 * HTTP makes the portal "send" an SMS into its outbox, and the relay, polling that outbox while the
 * login waits, delivers the code to `waitForCode` through its ordinary ingest path.
 */

const VAULT_KEY = randomBytes(32);
const ST_DISPATCH = { username: 'st.dispatch', password: 'Sandbox!Dispatch1', phone: '+15555550101' };

function relayModule(databaseUrl: string, env: Record<string, string>): DynamicModule {
  const parsed = parseConfig(sessionManagerConfigSchema, {
    DATABASE_URL: databaseUrl,
    NATS_URL: 'nats://127.0.0.1:4222',
    FIELDSYNC_VAULT_KEY: VAULT_KEY.toString('base64'),
    ...env,
  });
  if (!parsed.ok) throw new Error(`test config: ${JSON.stringify(parsed.issues)}`);
  class MfaSandboxTestRoot {}
  return {
    module: MfaSandboxTestRoot,
    global: true,
    imports: [
      PersistenceModule.forRoot({ url: databaseUrl, poolMax: 4 }),
      MetricsModule.forRoot({ service: 'session-manager' }),
      MfaModule,
    ],
    providers: [
      { provide: SESSION_MANAGER_CONFIG, useValue: parsed.config },
      { provide: Vault, useValue: new Vault(KeyRing.from({ id: 'k1', key: VAULT_KEY })) },
    ],
    exports: [SESSION_MANAGER_CONFIG, Vault],
  };
}

/** A browser-less client of one portal: keeps its cookies, does not follow redirects. */
class PortalClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(new URL(path, this.origin), {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return res;
  }
}

/** Signs st.dispatch in up to the SMS step; `GET /login/mfa` (what sends the SMS) is left to the caller. */
async function passwordStep(portal: PortalHandle): Promise<PortalClient> {
  const client = new PortalClient(portal.url);
  const page = await (await client.request('GET', '/login')).text();
  const csrf = /name="__RequestVerificationToken" value="([^"]+)"/.exec(page)?.[1];
  if (csrf === undefined) throw new Error('no CSRF token on the ServiceTitan login page');
  const res = await client.request('POST', '/login', {
    __RequestVerificationToken: csrf,
    username: ST_DISPATCH.username,
    password: ST_DISPATCH.password,
    next: '',
  });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/login/mfa');
  return client;
}

describe('MFA relay sandbox bridge (real vendor sandbox)', () => {
  let sandbox: RunningSandbox;
  let servicetitan: PortalHandle;
  let database: TestDatabase;
  let db: Kysely<DB>;
  let testApp: TestApp;
  let relay: MfaRelayService;

  beforeAll(async () => {
    [sandbox, database] = await Promise.all([startSandbox(), createTestDatabase('mfa_sandbox')]);
    servicetitan = sandbox.portal('servicetitan');
    db = createDatabase({ url: database.url, poolMax: 2 });
    await migrateToLatest(db);
    testApp = await bootTestApp(relayModule(database.url, { FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true' }));
    relay = testApp.app.get(MfaRelayService);
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.destroy();
    await database?.drop();
    await sandbox?.service.stop('SIGTERM');
  });

  beforeEach(async () => {
    await servicetitan.control('POST', 'reset');
  });

  it('delivers the SMS code of a ServiceTitan login from the outbox to waitForCode, and the portal accepts it', async () => {
    const client = await passwordStep(servicetitan);
    const since = new Date();
    const waiting = relay.waitForCode({
      connectionId: 'con_st_sms',
      channel: 'sms',
      destination: ST_DISPATCH.phone,
      since,
      timeoutMs: 20_000,
      portalUrl: servicetitan.url,
    });
    const mfaPage = await client.request('GET', '/login/mfa');
    expect(mfaPage.status).toBe(200);
    const html = await mfaPage.text();
    const code = await waiting;

    const sent = await outboxTo(servicetitan, ST_DISPATCH.phone);
    expect(sent).toHaveLength(1);
    expect(code).toBe(sent[0]?.code);

    const verified = await client.request('POST', '/login/mfa', {
      __RequestVerificationToken: /name="__RequestVerificationToken" value="([^"]+)"/.exec(html)?.[1] ?? '',
      code,
    });
    expect(verified.status).toBe(303);
    expect(verified.headers.get('location')).not.toMatch(/^\/login/);

    const rows = await db.selectFrom('mfa_messages').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'sms',
      destination: ST_DISPATCH.phone,
      consumed_by: 'con_st_sms',
    });
    expect(rows[0]?.external_id).toMatch(/^sandbox:http:\/\/127\.0\.0\.1:\d+:\d+:/);
    expect(rows[0]?.code_encrypted.includes(Buffer.from(code))).toBe(false);

    const metrics = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/fsm_mfa_codes_received_total\{[^}]*source="sandbox"[^}]*\} 1\n/);
  });

  it('ignores what the outbox held before the wait began, and stores a message once for concurrent waiters', async () => {
    // An SMS sent (and never used) before this login asked for its code.
    const earlier = await passwordStep(servicetitan);
    expect((await earlier.request('GET', '/login/mfa')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the 2 s clock skew

    const since = new Date();
    const wait = (connectionId: string, timeoutMs: number) =>
      relay.waitForCode({
        connectionId,
        channel: 'sms',
        destination: ST_DISPATCH.phone,
        since,
        timeoutMs,
        portalUrl: servicetitan.url,
      });
    const first = wait('con_st_a', 20_000);
    const second = wait('con_st_b', 3_000);
    const client = await passwordStep(servicetitan);
    expect((await client.request('GET', '/login/mfa')).status).toBe(200);

    const sent = await outboxTo(servicetitan, ST_DISPATCH.phone);
    expect(sent).toHaveLength(2);
    const [outcomeA, outcomeB] = await Promise.allSettled([first, second]);
    const delivered = [outcomeA, outcomeB].filter((o) => o.status === 'fulfilled').map((o) => o.value);
    // One new SMS: exactly one of the two waits gets it (the other times out); never the old one.
    expect(delivered).toEqual([sent[1]?.code]);
    const fromSandbox = await db
      .selectFrom('mfa_messages')
      .select(['external_id', 'consumed_by'])
      .where('external_id', 'like', 'sandbox:%')
      .where('received_at', '>=', new Date(since.getTime() - 2_000))
      .execute();
    expect(fromSandbox).toHaveLength(1);
  });
});
