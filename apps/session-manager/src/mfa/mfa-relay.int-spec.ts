import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthFlowError } from '@fieldsync/connector-kit';
import { createDatabase, migrateToLatest, PersistenceModule, type DB } from '@fieldsync/persistence';
import { MetricsModule, parseConfig } from '@fieldsync/platform';
import { bootTestApp, createTestDatabase, type TestApp, type TestDatabase } from '@fieldsync/testing';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { DynamicModule } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import { sessionManagerConfigSchema, type SessionManagerConfig } from '../config/session-manager.config';
import { MfaModule } from './mfa.module';
import { MfaRelayService } from './mfa-relay.service';

/*
 * The relay against a real Postgres: `POST /mfa/inbound` through the whole Nest/Fastify stack, waits
 * woken by LISTEN/NOTIFY (the poll interval is set to a minute, so only a notification can deliver in
 * time), atomic claims, the vault, the purge.
 */

const TOKEN = `relay-${randomBytes(16).toString('hex')}`;
const VAULT_KEY = randomBytes(32);

function configFor(databaseUrl: string, env: Record<string, string>): SessionManagerConfig {
  const result = parseConfig(sessionManagerConfigSchema, {
    DATABASE_URL: databaseUrl,
    NATS_URL: 'nats://127.0.0.1:4222',
    FIELDSYNC_VAULT_KEY: VAULT_KEY.toString('base64'),
    ...env,
  });
  if (!result.ok) throw new Error(`test config: ${JSON.stringify(result.issues)}`);
  return result.config;
}

/** The MFA module with what the session manager's AppModule provides globally. */
function relayModule(databaseUrl: string, env: Record<string, string>): DynamicModule {
  class MfaTestRoot {}
  return {
    module: MfaTestRoot,
    global: true,
    imports: [
      PersistenceModule.forRoot({ url: databaseUrl, poolMax: 6 }),
      MetricsModule.forRoot({ service: 'session-manager' }),
      MfaModule,
    ],
    providers: [
      { provide: SESSION_MANAGER_CONFIG, useValue: configFor(databaseUrl, env) },
      { provide: Vault, useValue: new Vault(KeyRing.from({ id: 'k1', key: VAULT_KEY })) },
    ],
    exports: [SESSION_MANAGER_CONFIG, Vault],
  };
}

interface Post {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  text: string;
}

async function post(
  testApp: TestApp,
  payload: unknown,
  options: { auth?: string | null; form?: boolean } = {},
): Promise<Post> {
  const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
  const res = await testApp.app.inject({
    method: 'POST',
    url: '/mfa/inbound',
    headers: {
      'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...(auth === null ? {} : { authorization: auth }),
    },
    payload: options.form
      ? new URLSearchParams(payload as Record<string, string>).toString()
      : JSON.stringify(payload),
  });
  const json = String(res.headers['content-type'] ?? '').includes('application/json');
  return { status: res.statusCode, headers: res.headers, body: json ? res.json() : res.body, text: res.body };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

let phoneCounter = 0;
/** A phone number of its own per test, so tests never take each other's codes. */
function nextPhone(): string {
  phoneCounter += 1;
  return `+1555444${String(1000 + phoneCounter)}`;
}

const since = () => new Date();

/** The value of the Prometheus sample `name` whose labels include `labels` (any order). */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  const line = exposition
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('MFA relay (Postgres, HTTP)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let testApp: TestApp;
  let relay: MfaRelayService;

  beforeAll(async () => {
    database = await createTestDatabase('mfa_relay');
    db = createDatabase({ url: database.url, poolMax: 3 });
    await migrateToLatest(db);
    testApp = await bootTestApp(
      relayModule(database.url, { FIELDSYNC_MFA_RELAY_TOKEN: TOKEN, FIELDSYNC_MFA_POLL_INTERVAL: '60s' }),
    );
    relay = testApp.app.get(MfaRelayService);
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.destroy();
    await database?.drop();
  });

  it('hands a code posted to /mfa/inbound to the login waiting for it, answering 202 { id } only', async () => {
    const phone = nextPhone();
    const waiting = relay.waitForCode({
      connectionId: 'con_st_1',
      channel: 'sms',
      destination: phone,
      since: since(),
      timeoutMs: 30_000,
    });
    // Past its first look: only the NOTIFY can wake it before the one-minute poll.
    await sleep(300);
    const res = await post(testApp, {
      channel: 'sms',
      to: phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 ($1) $2-$3'),
      from: '+18005550100',
      body: 'ServiceTitan: 318604 is your verification code. It expires in 5 minutes.',
    });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body as object)).toEqual(['id']);
    expect((res.body as { id: string }).id).toMatch(/^mfm_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.text).not.toContain('318604');
    // Woken by the notification, long before the wait's last look at its 30 s deadline.
    await expect(Promise.race([waiting, sleep(10_000).then(() => 'not woken')])).resolves.toBe('318604');

    const row = await db
      .selectFrom('mfa_messages')
      .selectAll()
      .where('id', '=', (res.body as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      destination: phone,
      channel: 'sms',
      consumed_by: 'con_st_1',
      sender: '+18005550100',
    });
    expect(row.consumed_at).toBeInstanceOf(Date);
  });

  it('never hands the same code twice: a consumed message is not taken by the next wait', async () => {
    const phone = nextPhone();
    const start = since();
    await post(testApp, { channel: 'sms', to: phone, body: 'Your Jobber verification code is 740112' });
    await expect(
      relay.waitForCode({
        connectionId: 'con_a',
        channel: 'sms',
        destination: phone,
        since: start,
        timeoutMs: 5_000,
      }),
    ).resolves.toBe('740112');
    const error = await rejection(
      relay.waitForCode({
        connectionId: 'con_b',
        channel: 'sms',
        destination: phone,
        since: start,
        timeoutMs: 300,
      }),
    );
    expect(error).toBeInstanceOf(AuthFlowError);
    expect((error as AuthFlowError).reason).toBe('mfa_timeout');
  });

  it('ignores a code received before `since` (beyond the clock skew) and takes the next one', async () => {
    const phone = nextPhone();
    const start = since();
    const old = await post(testApp, {
      channel: 'sms',
      to: phone,
      body: 'Your Jobber verification code is 111222',
      receivedAt: new Date(start.getTime() - 60_000).toISOString(),
    });
    expect(old.status).toBe(202);
    const onlyOld = await rejection(
      relay.waitForCode({
        connectionId: 'con_old',
        channel: 'sms',
        destination: phone,
        since: start,
        timeoutMs: 300,
      }),
    );
    expect((onlyOld as AuthFlowError).reason).toBe('mfa_timeout');

    const waiting = relay.waitForCode({
      connectionId: 'con_old',
      channel: 'sms',
      destination: phone,
      since: start,
      timeoutMs: 15_000,
    });
    await post(testApp, { channel: 'sms', to: phone, body: 'Your Jobber verification code is 333444' });
    await expect(waiting).resolves.toBe('333444');
    const oldRow = await db
      .selectFrom('mfa_messages')
      .select('consumed_at')
      .where('id', '=', (old.body as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(oldRow.consumed_at).toBeNull();
  });

  it('takes a message received just before `since`, within the clock skew', async () => {
    const phone = nextPhone();
    const start = since();
    await post(testApp, {
      channel: 'sms',
      to: phone,
      body: 'code 552200',
      receivedAt: new Date(start.getTime() - 1_000).toISOString(),
    });
    await expect(
      relay.waitForCode({
        connectionId: 'con_skew',
        channel: 'sms',
        destination: phone,
        since: start,
        timeoutMs: 5_000,
      }),
    ).resolves.toBe('552200');
  });

  it('gives two concurrent waiters for one destination the two codes, one each, oldest first', async () => {
    const phone = nextPhone();
    const start = since();
    const first = relay.waitForCode({
      connectionId: 'con_1',
      channel: 'sms',
      destination: phone,
      since: start,
      timeoutMs: 15_000,
    });
    const second = relay.waitForCode({
      connectionId: 'con_2',
      channel: 'sms',
      destination: phone,
      since: start,
      timeoutMs: 15_000,
    });
    await post(testApp, { channel: 'sms', to: phone, body: 'Your verification code is 100001' });
    await post(testApp, { channel: 'sms', to: phone, body: 'Your verification code is 200002' });
    const codes = await Promise.all([first, second]);
    expect([...codes].sort()).toEqual(['100001', '200002']);
    const rows = await db
      .selectFrom('mfa_messages')
      .select(['consumed_by'])
      .where('destination', '=', phone)
      .execute();
    expect(rows.map((r) => r.consumed_by).sort()).toEqual(['con_1', 'con_2']);
  });

  it('matches email codes by the lower-cased address, not by an SMS to another destination', async () => {
    const start = since();
    const waiting = relay.waitForCode({
      connectionId: 'con_mail',
      channel: 'email',
      destination: 'Olivia@Greenleaf-HVAC.example',
      since: start,
      timeoutMs: 15_000,
    });
    await post(testApp, { channel: 'sms', to: nextPhone(), body: 'Your verification code is 999000' });
    await post(testApp, {
      channel: 'email',
      to: 'Olivia Lee <olivia@greenleaf-hvac.example>',
      body: '<p>Hi Olivia,</p><p>Your verification code is <b>464646</b>.</p><p>© 2026 Workiz</p>',
    });
    await expect(waiting).resolves.toBe('464646');
  });

  it('fails a wait with AuthFlowError mfa_timeout within its bound, naming the connection and the masked destination only', async () => {
    const phone = nextPhone();
    const started = Date.now();
    const error = await rejection(
      relay.waitForCode({
        connectionId: 'con_slow',
        channel: 'sms',
        destination: phone,
        since: since(),
        timeoutMs: 1_500,
      }),
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(AuthFlowError);
    expect(error).toMatchObject({ reason: 'mfa_timeout', retriable: true });
    expect((error as Error).message).toContain('con_slow');
    expect((error as Error).message).toContain(`•••-•••-${phone.slice(-4)}`);
    expect((error as Error).message).not.toContain(phone);
    // The bound holds although the poll interval is a minute.
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('ends a wait when its signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const waiting = relay.waitForCode({
      connectionId: 'con_abort',
      channel: 'sms',
      destination: nextPhone(),
      since: since(),
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    const reason = new Error('login cancelled');
    setTimeout(() => controller.abort(reason), 100);
    await expect(waiting).rejects.toBe(reason);
  });

  it('stores the code sealed by the vault: no column holds it in clear, and the body is not kept', async () => {
    const phone = nextPhone();
    const res = await post(testApp, {
      channel: 'sms',
      to: phone,
      from: '+18005550100',
      body: 'ServiceTitan: 807215 is your verification code.',
    });
    const id = (res.body as { id: string }).id;
    const row = await db
      .selectFrom('mfa_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.code_encrypted.includes(Buffer.from('807215'))).toBe(false);
    expect(row.key_id).toBe('k1');
    const everyColumn = await sql<{
      text: string;
    }>`select t::text as text from mfa_messages t where id = ${id}`.execute(db);
    expect(everyColumn.rows[0]?.text).not.toContain('807215');
    expect(everyColumn.rows[0]?.text).not.toContain('ServiceTitan');
    const vault = new Vault(KeyRing.from({ id: 'k1', key: VAULT_KEY }));
    expect(
      vault.openString({ keyId: row.key_id, ciphertext: row.code_encrypted }, `mfa_messages/${id}/code`),
    ).toBe('807215');
  });

  it('refuses a missing or wrong token with 401 and a challenge; accepts the token as Bearer or Basic password', async () => {
    const message = { channel: 'sms', to: nextPhone(), body: 'code 123456' };
    for (const auth of [null, 'Bearer wrong-token-wrong-token-wrong', `Bearer ${TOKEN}x`, `Token ${TOKEN}`]) {
      const res = await post(testApp, message, { auth });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized' });
      expect(String(res.headers['www-authenticate'])).toContain('Basic realm="fieldsync-mfa-relay"');
    }
    const basic = `Basic ${Buffer.from(`twilio:${TOKEN}`).toString('base64')}`;
    expect((await post(testApp, message, { auth: basic })).status).toBe(202);
    expect((await post(testApp, message, { auth: `Bearer ${TOKEN}` })).status).toBe(202);
  });

  it('accepts a Twilio form-encoded webhook, and stores a redelivered MessageSid once', async () => {
    const phone = nextPhone();
    const start = since();
    const webhook = {
      ToCountry: 'US',
      To: phone,
      From: '+18005550100',
      Body: 'Your Jobber verification code is 606060',
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: 'AC00000000000000000000000000000000',
      NumMedia: '0',
    };
    const first = await post(testApp, webhook, { form: true });
    const again = await post(testApp, webhook, { form: true });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const rows = await db.selectFrom('mfa_messages').select('id').where('destination', '=', phone).execute();
    expect(rows).toHaveLength(1);
    await expect(
      relay.waitForCode({
        connectionId: 'con_tw',
        channel: 'sms',
        destination: phone,
        since: start,
        timeoutMs: 5_000,
      }),
    ).resolves.toBe('606060');
  });

  it('answers 400 naming the fields at fault, and 422 naming body when the message has no code', async () => {
    const invalid = await post(testApp, { channel: 'pigeon', to: 'x', body: 'Your code is 123456' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'channel' }] });
    expect(invalid.text).not.toContain('123456');

    const badPhone = await post(testApp, { channel: 'sms', to: 'not-a-phone', body: 'Your code is 123456' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body).toMatchObject({ issues: [{ path: 'to' }] });

    const twilioMissing = await post(testApp, { From: '+18005550100' }, { form: true });
    expect(twilioMissing.status).toBe(400);
    expect((twilioMissing.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'To',
      'Body',
    ]);

    const noCode = await post(testApp, {
      channel: 'sms',
      to: nextPhone(),
      body: 'Your password was changed.',
    });
    expect(noCode.status).toBe(422);
    expect(noCode.body).toMatchObject({ error: 'mfa_code_not_found', field: 'body' });
    expect((noCode.body as { message: string }).message).toMatch(/^body: /);
  });

  it('purges messages stored longer ago than the retention, and keeps the recent ones', async () => {
    const phone = nextPhone();
    const old = await post(testApp, { channel: 'sms', to: phone, body: 'code 121212' });
    const recent = await post(testApp, { channel: 'sms', to: phone, body: 'code 343434' });
    const oldId = (old.body as { id: string }).id;
    await db
      .updateTable('mfa_messages')
      .set({ created_at: sql<Date>`now() - interval '61 minutes'` })
      .where('id', '=', oldId)
      .execute();
    expect(await relay.purgeExpired()).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom('mfa_messages').select('id').where('destination', '=', phone).execute();
    expect(left.map((r) => r.id)).toEqual([(recent.body as { id: string }).id]);
  });

  it('counts received codes and wait outcomes on /metrics', async () => {
    const { body } = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(sample(body, 'fsm_mfa_codes_received_total', { channel: 'sms', source: 'relay' })).toBeGreaterThan(
      5,
    );
    expect(sample(body, 'fsm_mfa_codes_received_total', { channel: 'email', source: 'relay' })).toBe(1);
    expect(sample(body, 'fsm_mfa_wait_seconds_count', { outcome: 'delivered' })).toBeGreaterThan(5);
    expect(sample(body, 'fsm_mfa_wait_seconds_count', { outcome: 'timeout' })).toBe(3);
    expect(sample(body, 'fsm_mfa_wait_seconds_count', { outcome: 'aborted' })).toBe(1);
  });
});

describe('MFA relay without a token, and with notifications missed', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('mfa_relay_cfg');
    db = createDatabase({ url: database.url, poolMax: 2 });
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('answers 503 mfa_relay_not_configured when FIELDSYNC_MFA_RELAY_TOKEN is unset, whatever the header', async () => {
    const app = await bootTestApp(relayModule(database.url, {}));
    try {
      for (const auth of [null, `Bearer ${TOKEN}`]) {
        const res = await post(app, { channel: 'sms', to: '+15555550101', body: 'code 123456' }, { auth });
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ error: 'mfa_relay_not_configured' });
      }
      const rows = await db.selectFrom('mfa_messages').select('id').execute();
      expect(rows).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('still delivers by polling when no notification comes', async () => {
    const app = await bootTestApp(
      relayModule(database.url, { FIELDSYNC_MFA_RELAY_TOKEN: TOKEN, FIELDSYNC_MFA_POLL_INTERVAL: '100ms' }),
    );
    await sql`alter table mfa_messages disable trigger mfa_messages_notify`.execute(db);
    try {
      const relay = app.app.get(MfaRelayService);
      const waiting = relay.waitForCode({
        connectionId: 'con_poll',
        channel: 'sms',
        destination: '+15555550199',
        since: since(),
        timeoutMs: 30_000,
      });
      // Past its first look, so only a later poll can find the message.
      await sleep(300);
      await relay.ingest({ channel: 'sms', to: '+15555550199', body: 'Your code is 775533' });
      // Found by a poll, long before the wait's last look at its 30 s deadline.
      await expect(Promise.race([waiting, sleep(10_000).then(() => 'not found')])).resolves.toBe('775533');
    } finally {
      await sql`alter table mfa_messages enable trigger mfa_messages_notify`.execute(db);
      await app.close();
    }
  });
});
