import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyCanonical, type EntityType } from '@fieldsync/canonical-model';
import {
  AuthFlowError,
  BrowserPool,
  ENTITLEMENTS,
  VendorCallError,
  type CapturedSession,
  type ConnectionCredentials,
  type SyncContext,
  type VendorRecord,
} from '@fieldsync/connector-kit';
import {
  killSpawnedServices,
  outboxTo,
  sandboxAuthContext,
  startSandbox,
  type LoginsReport,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { workizAuthFlow, workizConnector } from '../src';
import { localDateBefore } from '../src/readers/paging.util';

/*
 * The Workiz connector against the real sandbox process, through a real Chromium: the web app login
 * without a second factor, with an SMS code and with an email code (read from the sandbox outbox as the
 * MFA relay reads it), a wrong password refused at once; then the readers: a backfill whose mapped records
 * equal the sandbox's ground truth field by field (closed jobs and records older than the API's 14-day
 * default included, money to the cent, local times to UTC), passes after the activity clock, 10 % faults,
 * and a renamed field reported as drift while the rest syncs.
 *
 * The ground truth (`/__sandbox/world/export/…`) is turned into the records the readers build, as they
 * build them (each assembly names the reader it mirrors), and mapped through the connector's mapper.
 */

jest.setTimeout(240_000);

const OWNER_PHONE = '+15555550301';
const OFFICE_EMAIL = 'office@workiz.sandbox.example';
type Doc = Record<string, unknown>;
type Row = Record<string, unknown>;

describe('Workiz connector (Chromium against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let workiz: PortalHandle;
  let pool: BrowserPool;

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_SIZE: '1500', SANDBOX_SEED: '13', SANDBOX_API_LIMITS: 'off' });
    workiz = sandbox.portal('workiz');
    pool = new BrowserPool({ maxConcurrent: 1 });
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const credentials = (who: 'admin' | 'owner' | 'office', password?: string): ConnectionCredentials => ({
    connectionId: `conn-workiz-${who}`,
    tenantId: 'tenant-1',
    vendor: 'workiz',
    portalUrl: workiz.url,
    username: `${who}@workiz.sandbox.example`,
    password: password ?? `Sandbox!${who[0]?.toUpperCase() ?? ''}${who.slice(1)}1`,
    mfa:
      who === 'owner'
        ? { method: 'sms', destination: OWNER_PHONE }
        : who === 'office'
          ? { method: 'email', destination: OFFICE_EMAIL }
          : { method: 'none' },
  });

  async function logIn(c: ConnectionCredentials) {
    let mfaPrompts: readonly string[] = [];
    const session = await pool.withPage(async (page) => {
      const ctx = sandboxAuthContext({ page, credentials: c, portal: workiz });
      mfaPrompts = ctx.mfaPrompts;
      return workizAuthFlow.login(ctx);
    });
    return { session, mfaPrompts };
  }

  const syncContext = (session: CapturedSession): SyncContext => ({
    tenantId: 'tenant-1',
    connectionId: 'conn-workiz-owner',
    vendor: 'workiz',
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(),
  });

  describe('login', () => {
    beforeEach(async () => {
      await workiz.control('POST', 'reset');
    });

    it('signs in without a second factor, and the session reads the API and the web app', async () => {
      const { session, mfaPrompts } = await logIn(credentials('admin'));
      expect(mfaPrompts).toEqual([]);
      expect(session.user).toEqual({
        id: 'workiz-admin',
        name: 'Ada Admin',
        role: expect.stringMatching(/^Admin/) as unknown,
        entitlements: [...ENTITLEMENTS],
      });
      expect(session.account?.id).toBeTruthy();
      expect(session.cookies.map((c) => c.name).some((n) => n.startsWith('workiz'))).toBe(true);
      expect(Date.parse(session.expiresAt) - Date.parse(session.establishedAt)).toBe(24 * 3_600_000);
      // Neither the API token nor its secret is copied into the session.
      expect(JSON.stringify(session)).not.toMatch(/api_token|api_secret/);
      expect(await workizAuthFlow.check(session)).toEqual({
        valid: true,
        idleExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      });
      const ctx = syncContext(session);
      for (const name of ['team', 'clients']) {
        const stream = workizConnector.readSide.streams.find((s) => s.stream === name);
        const page = await stream?.readPage(ctx, null);
        expect([name, (page?.records.length ?? 0) > 0]).toEqual([name, true]);
      }
    });

    it('answers the SMS code through the relay', async () => {
      const { session, mfaPrompts } = await logIn(credentials('owner'));
      expect(mfaPrompts).toEqual(['sms']);
      expect(await outboxTo(workiz, OWNER_PHONE)).toHaveLength(1);
      expect(session.user.role).toMatch(/^Owner/);
      expect(session.user.entitlements).toEqual([...ENTITLEMENTS]);
      expect((await workizAuthFlow.check(session)).valid).toBe(true);
    });

    it('answers the email code through the relay', async () => {
      const { session, mfaPrompts } = await logIn(credentials('office'));
      expect(mfaPrompts).toEqual(['email']);
      expect(await outboxTo(workiz, OFFICE_EMAIL)).toHaveLength(1);
      expect(session.user.role).toMatch(/^Office manager/);
      expect(session.user.entitlements).toEqual([
        'clients',
        'jobs',
        'scheduling',
        'estimates',
        'invoices',
        'payments',
        'technicians',
      ]);
    });

    it('still logs in when the login page is redesigned (other ids, names, labels)', async () => {
      expect(await workiz.control('POST', 'faults', { loginPage: 'changed' })).toMatchObject({
        loginPage: 'changed',
      });
      try {
        const { session } = await logIn(credentials('admin'));
        expect((await workizAuthFlow.check(session)).valid).toBe(true);
      } finally {
        await workiz.control('DELETE', 'faults');
      }
    });

    it('a session the vendor ends mid-sync answers unauthorized (the extractor logs in again), and a new one reads on', async () => {
      const first = await logIn(credentials('admin'));
      const stream = workizConnector.readSide.streams.find((s) => s.stream === 'jobs');
      if (!stream) throw new Error('no jobs stream');
      const page = await stream.readPage(syncContext(first.session), null);
      expect(page.records.length).toBeGreaterThan(0);
      await workiz.control('POST', 'sessions/expire', { user: 'admin@workiz.sandbox.example' });
      const error = await stream.readPage(syncContext(first.session), page.checkpoint).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VendorCallError);
      expect((error as VendorCallError).failure.kind).toBe('unauthorized');
      expect((await workizAuthFlow.check(first.session)).valid).toBe(false);
      const second = await logIn(credentials('admin'));
      const next = await stream.readPage(syncContext(second.session), page.checkpoint);
      expect(next.records.length).toBeGreaterThan(0);
    });

    it('refuses a wrong password as invalid_credentials after one attempt, without a code or a lockout', async () => {
      const error = await logIn(credentials('owner', 'not-the-password')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthFlowError);
      expect((error as AuthFlowError).reason).toBe('invalid_credentials');
      expect((error as AuthFlowError).message).not.toContain('not-the-password');
      expect(await outboxTo(workiz, OWNER_PHONE)).toEqual([]);
      const report = await workiz.control<LoginsReport>('GET', 'logins');
      expect(report.users['owner@workiz.sandbox.example']).toMatchObject({ attempts: 1, failures: 1 });
      expect(report.locked).toEqual([]);
    });
  });

  describe('readers', () => {
    let ctx: SyncContext;
    const { readSide } = workizConnector;
    const connection = { tenantId: 'tenant-1', connectionId: 'conn-workiz-owner' };
    const checkpoints = new Map<string, string | null>();
    /** What the readers have yielded, latest version per entity and external id, mapped. */
    const store = new Map<string, Doc>();
    /** The first records of each stream, for the contract spec's fixture. */
    const recorded: {
      stream: string;
      entity: EntityType;
      externalId: string;
      raw: unknown;
      deleted: boolean;
    }[] = [];

    const docOf = (record: VendorRecord): Doc => {
      if (record.kind !== 'record') throw new Error(`drift: ${JSON.stringify(record)}`);
      return JSON.parse(stringifyCanonical(readSide.mapper.toCanonical(record, connection))) as Doc;
    };

    const retried: string[] = [];
    const drifted: VendorRecord[] = [];

    /** A page read as the extractor's vendor-call policy would: after a 429 its Retry-After, after a 5xx a backoff. */
    async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn();
        } catch (error) {
          if (!(error instanceof VendorCallError) || attempt >= 20) throw error;
          retried.push(error.failure.kind);
          const wait = error.failure.kind === 'rate_limited' ? error.failure.retryAfterMs : 50;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    }

    /** Reads every stream from its checkpoint until caught up, into `store`; the records read, per entity. */
    async function syncAll(options: { keepDrift?: boolean } = {}): Promise<Map<string, number>> {
      const read = new Map<string, number>();
      for (const stream of readSide.streams) {
        for (let guard = 0; guard < 10_000; guard++) {
          const page = await withRetries(() => stream.readPage(ctx, checkpoints.get(stream.stream) ?? null));
          for (const record of page.records) {
            if (record.kind !== 'record' && options.keepDrift) {
              drifted.push(record);
              continue;
            }
            if (record.kind !== 'record')
              throw new Error(`drift in ${stream.stream}: ${JSON.stringify(record)}`);
            store.set(`${record.entity}:${record.externalId}`, docOf(record));
            read.set(record.entity, (read.get(record.entity) ?? 0) + 1);
            // Three of each kind: calls and texts are both communications.
            const kind = (r: { stream: string; entity: string; externalId: string }) =>
              `${r.stream}/${r.entity}/${r.externalId.startsWith('sms-') ? 'sms' : ''}`;
            if (recorded.filter((r) => kind(r) === kind({ stream: stream.stream, ...record })).length < 3) {
              recorded.push({
                stream: stream.stream,
                entity: record.entity,
                externalId: record.externalId,
                raw: record.raw,
                deleted: record.deleted,
              });
            }
          }
          checkpoints.set(stream.stream, page.checkpoint);
          if (page.caughtUp) break;
        }
      }
      return read;
    }

    const exportOf = async (entity: string): Promise<Row[]> =>
      (await workiz.control<{ data: Row[] }>('GET', `world/export/${entity}`)).data;

    /** The ground truth as the readers would hand it to the mapper. */
    async function truth(): Promise<Map<string, Doc>> {
      const out = new Map<string, Doc>();
      const put = (entity: EntityType, externalId: string, raw: unknown) =>
        out.set(
          `${entity}:${externalId}`,
          docOf({ kind: 'record', entity, externalId, raw, deleted: false }),
        );
      const jobs = await exportOf('jobs');
      const tz = jobs[0]?.['Timezone'];
      const zone = typeof tz === 'string' ? tz : 'America/Chicago';
      // As readers/team.reader.ts: each member with the account's zone; team-directory.util.ts by name.
      const team = await exportOf('team');
      const byName = new Map(team.map((m) => [String(m['name']).trim().toLowerCase(), String(m['id'])]));
      const idOf = (name: unknown) =>
        typeof name === 'string' ? (byName.get(name.trim().toLowerCase()) ?? null) : null;
      for (const m of team) put('technician', String(m['id']), { ...m, timezone: zone });
      // As readers/webapp.reader.ts: each client, then its service locations with its id and times.
      for (const c of await exportOf('clients')) {
        put('customer', String(c['client_id']), c);
        for (const l of c['service_locations'] as Row[]) {
          put('location', String(l['location_id']), {
            ...l,
            client_id: c['client_id'],
            client_active: c['active'],
            client_created: c['created'],
            client_updated: c['updated'],
            timezone: c['timezone'],
          });
        }
      }
      // As readers/job.reader.ts: each job with its Team names resolved, and as its one visit.
      for (const j of jobs) {
        const raw = {
          job: j,
          TeamMembers: (j['Team'] as string[]).map((name) => ({ name, id: idOf(name) })),
        };
        put('job', String(j['UUID']), raw);
        put('appointment', String(j['UUID']), raw);
      }
      for (const l of await exportOf('leads')) put('lead', String(l['UUID']), l);
      for (const e of await exportOf('estimates')) put('estimate', String(e['estimate_id']), e);
      for (const i of await exportOf('invoices')) put('invoice', String(i['invoice_id']), i);
      for (const p of await exportOf('payments')) put('payment', String(p['payment_id']), p);
      for (const i of await exportOf('pricebook_items')) put('pricebook_item', String(i['item_id']), i);
      // As readers/webapp.reader.ts: calls, then each text of each thread.
      for (const c of await exportOf('calls')) {
        put('communication', `call-${String(c['call_id'])}`, { call: c, user_id: idOf(c['user']) });
      }
      for (const t of await exportOf('threads')) {
        for (const m of t['messages'] as Row[]) {
          put('communication', `sms-${String(m['message_id'])}`, {
            message: m,
            thread_id: t['thread_id'],
            client_id: t['client_id'],
            phone: t['phone'],
            timezone: t['timezone'],
            user_id: idOf(m['user']),
          });
        }
      }
      return out;
    }

    /** Ground-truth records the store lacks or holds differently. */
    function mismatches(want: Map<string, Doc>): string[] {
      const out: string[] = [];
      for (const [key, doc] of want) {
        const got = store.get(key);
        if (!got) out.push(`${key}: missing`);
        else if (JSON.stringify(got) !== JSON.stringify(doc)) {
          const fields = Object.keys(doc).filter((f) => JSON.stringify(doc[f]) !== JSON.stringify(got[f]));
          out.push(
            `${key}: ${fields.map((f) => `${f} ${JSON.stringify(got[f])} ≠ ${JSON.stringify(doc[f])}`).join(', ')}`,
          );
        }
      }
      return out;
    }

    beforeAll(async () => {
      await workiz.control('POST', 'reset');
      ctx = syncContext((await logIn(credentials('admin'))).session);
    });

    it('backfills every entity: the mapped records equal the ground truth field by field', async () => {
      const read = await syncAll();
      const want = await truth();
      expect(mismatches(want).slice(0, 10)).toEqual([]);
      const entities = new Set([...want.keys()].map((k) => k.split(':')[0]));
      expect([...entities].sort()).toEqual(
        [
          'appointment',
          'communication',
          'customer',
          'estimate',
          'invoice',
          'job',
          'lead',
          'location',
          'payment',
          'pricebook_item',
          'technician',
        ].sort(),
      );
      if (process.env['WORKIZ_RECORD_FIXTURE'] === '1') {
        writeFileSync(
          join(__dirname, '..', 'src', '__fixtures__', 'workiz-records.fixture.json'),
          `${JSON.stringify(recorded, null, 2)}\n`,
        );
      }
      // Closed jobs and jobs older than the API's default 14 days were read.
      const jobs = await exportOf('jobs');
      const old = jobs.filter(
        (j) => Date.parse(String(j['JobDateTime']).replace(' ', 'T') + 'Z') < Date.now() - 20 * 86_400_000,
      );
      expect(old.length).toBeGreaterThan(10);
      expect(jobs.filter((j) => j['Status'] === 'Done' || j['Status'] === 'Canceled').length).toBeGreaterThan(
        10,
      );
      for (const j of [...old, ...jobs.filter((x) => x['Status'] === 'Done')].slice(0, 40)) {
        expect(store.has(`job:${String(j['UUID'])}`)).toBe(true);
      }
      expect(read.get('job')).toBeGreaterThanOrEqual(jobs.length);
      // Money: dollars to the cent, never a float error.
      for (const j of jobs.slice(0, 100)) {
        const doc = store.get(`job:${String(j['UUID'])}`);
        expect([doc?.['total'], doc?.['balance']].map((v) => Math.round(Number(v) * 100))).toEqual([
          Math.round(Number(j['JobTotalPrice']) * 100),
          Math.round(Number(j['JobAmountDue']) * 100),
        ]);
        expect(String(doc?.['total'])).toMatch(/^-?\d+(\.\d{1,2})?$/);
      }
    });

    it('an incremental pass reads the rolling window only, and a full pass after the activity clock equals the truth', async () => {
      const jobsStream = readSide.streams.find((s) => s.stream === 'jobs');
      if (!jobsStream) throw new Error('no jobs stream');
      // The window is the past fortnight and everything ahead of the vendor's now (the world clock's).
      const world = await workiz.control<{ now: string }>('GET', 'world');
      const windowCtx = { ...ctx, now: () => new Date(world.now) };
      const windowJobs = new Set<string>();
      let checkpoint = checkpoints.get('jobs') ?? null;
      expect(checkpoint).not.toBeNull();
      for (let guard = 0; guard < 1_000; guard++) {
        const page = await jobsStream.readPage(windowCtx, checkpoint);
        for (const r of page.records) if (r.kind === 'record') windowJobs.add(r.externalId);
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
      const jobs = await exportOf('jobs');
      // Exactly the jobs listed from the account-local midnight 14 days back on (all of them ahead).
      const from = localDateBefore(new Date(world.now), 14, String(jobs[0]?.['Timezone']));
      const inWindow = jobs.filter((j) => String(j['JobDateTime']) >= from).map((j) => String(j['UUID']));
      expect(inWindow.length).toBeGreaterThan(0);
      expect(inWindow.length).toBeLessThan(jobs.length);
      expect([...windowJobs].sort()).toEqual(inWindow.sort());

      await workiz.control('POST', 'world/advance', { ms: 3 * 3_600_000 });
      checkpoints.clear(); // a reconciliation pass: every list from the start
      await syncAll();
      expect(mismatches(await truth()).slice(0, 10)).toEqual([]);
    });

    it('reaches the same store with 10 % of the calls answered 429 or 5xx', async () => {
      await workiz.control('POST', 'faults', {
        seed: 7,
        rateLimit: { rate: 0.1, retryAfterSeconds: 1, retryAfterFormat: 'seconds' },
        serverError: { rate: 0.1, status: 503 },
      });
      try {
        await workiz.control('POST', 'world/advance', { ms: 2 * 3_600_000 });
        // Full passes through the faults (a pass is a dozen calls: a few passes meet both kinds).
        for (let pass = 0; pass < 10 && new Set(retried).size < 2; pass++) {
          checkpoints.clear();
          await syncAll();
        }
      } finally {
        await workiz.control('DELETE', 'faults');
      }
      expect(new Set(retried)).toEqual(new Set(['rate_limited', 'unavailable']));
      expect(mismatches(await truth()).slice(0, 10)).toEqual([]);
    });

    it('reports a renamed field as drift naming it, and reads the rest', async () => {
      await workiz.control('POST', 'faults', { drift: [{ from: 'JobTotalPrice', to: 'JobTotal' }] });
      const before = drifted.length;
      try {
        checkpoints.clear();
        await syncAll({ keepDrift: true });
      } finally {
        await workiz.control('DELETE', 'faults');
      }
      const found = drifted.slice(before);
      expect(found.length).toBeGreaterThan(0);
      expect([...new Set(found.map((r) => r.entity))]).toEqual(['job']);
      const paths = new Set(found.flatMap((r) => (r.kind === 'drift' ? r.issues.map((i) => i.path) : [])));
      expect(paths.has('JobTotalPrice')).toBe(true);
      // Every drifted job still has its external id, and everything else is as the ground truth has it.
      expect(found.every((r) => r.externalId !== null)).toBe(true);
      const want = await truth();
      const driftedKeys = new Set(found.map((r) => `job:${String(r.externalId)}`));
      const rest = new Map([...want].filter(([k]) => !k.startsWith('job:') || !driftedKeys.has(k)));
      expect(mismatches(rest).slice(0, 10)).toEqual([]);
    });
  });
});
