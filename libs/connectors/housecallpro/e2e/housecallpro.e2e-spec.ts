import { stringifyCanonical } from '@fieldsync/canonical-model';
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
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { housecallproAuthFlow, housecallproConnector } from '../src';

/*
 * The Housecall Pro connector against the real sandbox process, through a real Chromium: the pro web app
 * login with an SMS code on EVERY sign-in (read from the sandbox outbox as the MFA relay reads it), then
 * the readers: a backfill whose mapped records equal the sandbox's ground truth field by field (money to
 * the cent), and incremental passes after the activity clock and a burst of changes sharing one
 * updated_at that again equal it.
 */

jest.setTimeout(180_000);

const OWNER_PHONE = '+15555550401';
type Doc = Record<string, unknown>;
type Row = Record<string, unknown>;

describe('Housecall Pro connector (Chromium against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let hcp: PortalHandle;
  let pool: BrowserPool;

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_SIZE: '1500', SANDBOX_SEED: '11', SANDBOX_API_LIMITS: 'off' });
    hcp = sandbox.portal('housecallpro');
    pool = new BrowserPool({ maxConcurrent: 1 });
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const owner = (): ConnectionCredentials => ({
    connectionId: 'conn-hcp-owner',
    tenantId: 'tenant-1',
    vendor: 'housecallpro',
    portalUrl: hcp.url,
    username: 'owner@brightside-plumbing.example',
    password: 'Sandbox!Owner1',
    mfa: { method: 'sms', destination: OWNER_PHONE },
  });

  async function logIn(credentials: ConnectionCredentials) {
    let mfaPrompts: readonly string[] = [];
    const session = await pool.withPage(async (page) => {
      const ctx = sandboxAuthContext({ page, credentials, portal: hcp });
      mfaPrompts = ctx.mfaPrompts;
      return housecallproAuthFlow.login(ctx);
    });
    return { session, mfaPrompts };
  }

  const syncContext = (session: CapturedSession): SyncContext => ({
    tenantId: 'tenant-1',
    connectionId: 'conn-hcp-owner',
    vendor: 'housecallpro',
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(),
  });

  describe('login', () => {
    beforeEach(async () => {
      await hcp.control('POST', 'reset');
    });

    it('asks for a new SMS code on every sign-in, and the session reads the API', async () => {
      const first = await logIn(owner());
      const second = await logIn(owner());
      expect([first.mfaPrompts, second.mfaPrompts]).toEqual([['sms'], ['sms']]);
      const codes = (await outboxTo(hcp, OWNER_PHONE)).map((m) => m.code);
      expect(codes).toHaveLength(2);
      expect(codes[0]).not.toBe(codes[1]);
      expect(first.session.user).toEqual({
        id: 'housecallpro-owner',
        name: 'Hana Owner',
        role: expect.stringMatching(/^admin/) as unknown,
        entitlements: [...ENTITLEMENTS],
      });
      expect(first.session.deviceCookies).toEqual([]);
      expect(first.session.cookies.map((c) => c.name)).toContain('housecallpro_session');
      expect(Date.parse(first.session.expiresAt) - Date.parse(first.session.establishedAt)).toBe(
        12 * 3_600_000,
      );
      expect(await housecallproAuthFlow.check(first.session)).toEqual({
        valid: true,
        idleExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      });
      const [stream] = housecallproConnector.readSide.streams;
      const page = await stream?.readPage(syncContext(second.session), null);
      expect(page?.records.length).toBeGreaterThan(0);
    });

    it('refuses a wrong password as invalid_credentials, without an SMS', async () => {
      const error = await logIn({ ...owner(), password: 'not-the-password' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthFlowError);
      expect((error as AuthFlowError).reason).toBe('invalid_credentials');
      expect(await outboxTo(hcp, OWNER_PHONE)).toEqual([]);
    });
  });

  describe('readers', () => {
    let ctx: SyncContext;
    const { readSide } = housecallproConnector;
    const connection = { tenantId: 'tenant-1', connectionId: 'conn-hcp-owner' };
    const checkpoints = new Map<string, string | null>();
    /** What the readers have yielded, latest version per entity and external id, mapped. */
    const store = new Map<string, Doc>();
    let backfillRead = 0;

    const docOf = (record: VendorRecord): Doc => {
      if (record.kind !== 'record') throw new Error(`drift: ${JSON.stringify(record)}`);
      return JSON.parse(stringifyCanonical(readSide.mapper.toCanonical(record, connection))) as Doc;
    };

    /**
     * A page read as the extractor's vendor-call policy would: a 429 waits for its Retry-After, a 5xx
     * backs off; the page is read again from the same checkpoint.
     */
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
    const retried: string[] = [];
    const drifted: VendorRecord[] = [];

    /** Reads every stream from its checkpoint until caught up, into `store`; returns the records read. */
    async function syncAll(options: { keepDrift?: boolean } = {}): Promise<number> {
      let read = 0;
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
            read += 1;
          }
          checkpoints.set(stream.stream, page.checkpoint);
          if (page.caughtUp) break;
        }
      }
      return read;
    }

    /** The ground truth (`/__sandbox/world/export`) as the readers would hand it to the mapper. */
    async function truth(): Promise<Map<string, Doc>> {
      const rows = async (entity: string) =>
        (await hcp.control<{ data: Row[] }>('GET', `world/export/${entity}`)).data;
      const out = new Map<string, Doc>();
      const put = (
        entity:
          | 'customer'
          | 'location'
          | 'technician'
          | 'job'
          | 'appointment'
          | 'estimate'
          | 'invoice'
          | 'payment'
          | 'pricebook_item'
          | 'membership',
        raw: Row,
        id: unknown = raw['id'],
      ) =>
        out.set(
          `${entity}:${String(id)}`,
          docOf({ kind: 'record', entity, externalId: String(id), raw, deleted: false }),
        );
      for (const c of await rows('customers')) {
        put('customer', c);
        // As readers/customer.reader.ts: each service address a location, with its customer's id and times.
        for (const a of c['addresses'] as Row[]) {
          if (a['type'] === 'service') {
            put('location', {
              ...a,
              customer_id: c['id'],
              customer_created_at: c['created_at'],
              customer_updated_at: c['updated_at'],
            });
          }
        }
      }
      for (const e of await rows('employees')) put('technician', e);
      for (const e of await rows('estimates')) put('estimate', e);
      const jobs = await rows('jobs');
      for (const j of jobs) put('job', j);
      // As readers/invoice.reader.ts: each invoice with its job's customer and service address, then
      // each payment listed on it.
      const jobById = new Map(jobs.map((j) => [String(j['id']), j]));
      // As readers/job.reader.ts: each appointment with its job's id, status and creation time.
      for (const a of await rows('appointments')) {
        const job = jobById.get(String(a['job_id']));
        if (!job) continue;
        put('appointment', { ...a, job_work_status: job['work_status'], job_created_at: job['created_at'] });
      }
      for (const i of await rows('invoices')) {
        const job = jobById.get(String(i['job_id']));
        if (!job) continue; // the reader reports an invoice of a gone job as drift
        const customerId = (job['customer'] as Row)['id'];
        const address = job['address'] as Row | null;
        put('invoice', {
          id: i['id'],
          invoice: i,
          customer_id: customerId,
          address_id: address?.['type'] === 'service' ? address['id'] : null,
        });
        for (const p of i['payments'] as Row[])
          put('payment', { ...p, invoice_id: i['id'], customer_id: customerId });
      }
      // As readers/pricebook.reader.ts: services by uuid; materials with their category path from the root.
      for (const sv of await rows('pricebook_services')) put('pricebook_item', sv, sv['uuid']);
      const categories = new Map((await rows('material_categories')).map((c) => [String(c['uuid']), c]));
      const pathOf = (uuid: string): string[] => {
        const c = categories.get(uuid);
        if (!c) return [];
        const parent = c['parent_uuid'];
        return [...(typeof parent === 'string' ? pathOf(parent) : []), String(c['name'])];
      };
      for (const m of await rows('materials'))
        put(
          'pricebook_item',
          { material: m, category_path: pathOf(String(m['material_category_uuid'])) },
          m['uuid'],
        );
      // As readers/membership.reader.ts: the web app's service plan agreements.
      for (const p of await rows('service_plan_agreements')) put('membership', p);
      return out;
    }

    /** Ground-truth records the store lacks or holds differently (the store may hold deleted ones too). */
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
      await hcp.control('POST', 'reset');
      ctx = syncContext((await logIn(owner())).session);
    });

    it('backfills: the mapped records equal the ground truth field by field, money to the cent', async () => {
      const read = await syncAll();
      backfillRead = read;
      const want = await truth();
      expect(read).toBeGreaterThanOrEqual(want.size);
      expect(mismatches(want).slice(0, 10)).toEqual([]);
      const jobs = [...want.entries()].filter(([k]) => k.startsWith('job:')).map(([, d]) => d);
      expect(jobs.length).toBeGreaterThan(20);
      // Money came as integer cents: the canonical totals have at most two decimals and are not 100× off.
      const exported = (await hcp.control<{ data: Row[] }>('GET', 'world/export/jobs')).data;
      for (const row of exported.slice(0, 50)) {
        const doc = store.get(`job:${String(row['id'])}`);
        expect(Math.round(Number(doc?.['total']) * 100)).toBe(row['total_amount']);
      }
      const invoices = (await hcp.control<{ data: Row[] }>('GET', 'world/export/invoices')).data;
      expect(invoices.length).toBeGreaterThan(20);
      let payments = 0;
      for (const row of invoices) {
        const doc = store.get(`invoice:${String(row['id'])}`);
        expect([doc?.['total'], doc?.['balance']].map((v) => Math.round(Number(v) * 100))).toEqual([
          row['amount'],
          row['due_amount'],
        ]);
        payments += (row['payments'] as Row[]).length;
      }
      expect(payments).toBeGreaterThan(10);
    });

    it('re-reads the jobs of the schedule window around now, each as the ground truth has it', async () => {
      const world = await hcp.control<{ now: string }>('GET', 'world');
      const now = new Date(world.now);
      const stream = readSide.streams.find((s) => s.stream === 'jobs-schedule');
      if (!stream) throw new Error('no jobs-schedule stream');
      expect(stream.reconciles).toEqual([]);
      const windowCtx = { ...ctx, now: () => now };
      const jobs: string[] = [];
      let checkpoint: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const page = await stream.readPage(windowCtx, checkpoint);
        for (const record of page.records) {
          if (record.kind === 'record' && record.entity === 'job') jobs.push(record.externalId);
          expect(docOf(record)).toEqual(
            store.get(`${record.entity}:${record.kind === 'record' ? record.externalId : ''}`),
          );
        }
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
      // Exactly the live jobs whose first appointment starts from a day before to two weeks after now.
      const exported = (await hcp.control<{ data: Row[] }>('GET', 'world/export/jobs')).data;
      const inWindow = exported
        .filter((j) => {
          const start = (j['schedule'] as Row)['scheduled_start'];
          if (typeof start !== 'string') return false;
          const ms = Date.parse(start);
          return ms >= now.getTime() - 86_400_000 && ms <= now.getTime() + 14 * 86_400_000;
        })
        .map((j) => String(j['id']));
      expect(inWindow.length).toBeGreaterThan(0);
      expect([...jobs].sort()).toEqual([...inWindow].sort());
    });

    it('follows the activity clock and a burst of changes sharing one updated_at', async () => {
      await hcp.control('POST', 'world/advance', { ms: 3 * 3_600_000 });
      await hcp.control('POST', 'world/burst', { count: 30, entity: 'customer' });
      await hcp.control('POST', 'world/burst', { count: 30, entity: 'job' });
      const read = await syncAll();
      expect(read).toBeGreaterThan(0);
      expect(mismatches(await truth()).slice(0, 10)).toEqual([]);
      // A pass with nothing new reads again only the rows at its watermark (the last burst) and the
      // employees (a list without updated_at, read whole): far from a full re-read.
      const again = await syncAll();
      expect(again).toBeLessThan(backfillRead / 2);
      expect(mismatches(await truth()).slice(0, 10)).toEqual([]);
    });
    it('reaches the same store with 10 % of the calls answered 429 or 5xx', async () => {
      await hcp.control('POST', 'faults', {
        seed: 7,
        rateLimit: { rate: 0.1, retryAfterSeconds: 1, retryAfterFormat: 'seconds' },
        serverError: { rate: 0.1, status: 503 },
      });
      try {
        await hcp.control('POST', 'world/advance', { ms: 2 * 3_600_000 });
        checkpoints.clear(); // a full pass again, through the faults
        await syncAll();
      } finally {
        await hcp.control('DELETE', 'faults');
      }
      expect(new Set(retried)).toEqual(new Set(['rate_limited', 'unavailable']));
      expect(mismatches(await truth()).slice(0, 10)).toEqual([]);
    });

    it('reports a renamed field as drift naming it, and reads the rest', async () => {
      await hcp.control('POST', 'faults', { drift: [{ from: 'work_status', to: 'workStatus' }] });
      try {
        await hcp.control('POST', 'world/burst', { count: 5, entity: 'job' });
        await syncAll({ keepDrift: true });
      } finally {
        await hcp.control('DELETE', 'faults');
      }
      expect(drifted.length).toBeGreaterThan(0);
      const paths = drifted.flatMap((r) => (r.kind === 'drift' ? r.issues.map((i) => i.path) : []));
      expect(paths).toContain('work_status');
      expect([...new Set(drifted.map((r) => r.entity))].sort()).toEqual(
        [...new Set(drifted.map((r) => r.entity))].filter((e) => e === 'job' || e === 'estimate').sort(),
      );
    });
  });
});
