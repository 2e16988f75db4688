import { entitySchemas, type EntityType } from '@fieldsync/canonical-model';
import {
  BrowserPool,
  VendorCallError,
  type CapturedSession,
  type StreamReader,
  type SyncContext,
  type VendorRecord,
} from '@fieldsync/connector-kit';
import {
  killSpawnedServices,
  sandboxAuthContext,
  startSandbox,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { jobberAuthFlow, jobberReadSide } from '../src';

/*
 * The Jobber readers and mapper against the real sandbox process, with a session from the real auth
 * flow (Chromium through the BrowserPool, once for the file): a backfill of every stream equals the
 * sandbox's ground truth export field by field, an incremental pass after a burst of same-timestamp
 * changes returns each changed record exactly once, a renamed field is drift while the rest maps, and
 * vendor failures become the VendorCallErrors the extractor acts on.
 */

jest.setTimeout(240_000);

type Exported = Record<string, unknown> & { id: string };
type RecordOf = Extract<VendorRecord, { kind: 'record' }>;

const EXPORT_OF: Readonly<Partial<Record<EntityType, string>>> = {
  customer: 'clients',
  location: 'properties',
  job: 'jobs',
  appointment: 'visits',
  estimate: 'quotes',
  lead: 'requests',
  invoice: 'invoices',
  payment: 'paymentRecords',
  technician: 'users',
  pricebook_item: 'productsAndServices',
};
/** Records whose raw is exactly the export's object (no nested data of their own selected). */
const SAME_AS_EXPORT: readonly EntityType[] = ['customer', 'lead', 'payment', 'technician', 'pricebook_item'];
const MAP_CTX = { tenantId: 'tenant-1', connectionId: 'conn-jobber-readers' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const streamOf = (name: string): StreamReader => {
  const found = jobberReadSide.streams.find((s) => s.stream === name);
  if (!found) throw new Error(`no stream ${name}`);
  return found;
};

describe('Jobber readers (sandbox)', () => {
  let sandbox: RunningSandbox;
  let jobber: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  /** Checkpoints after the backfill, for the incremental tests. */
  const checkpoints = new Map<string, string | null>();

  async function logIn(): Promise<CapturedSession> {
    return pool.withPage(async (page) =>
      jobberAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: jobber,
          credentials: {
            connectionId: MAP_CTX.connectionId,
            tenantId: MAP_CTX.tenantId,
            vendor: 'jobber',
            portalUrl: jobber.url,
            username: 'office@greenleaf-hvac.example',
            password: 'Sandbox!Office1',
            mfa: { method: 'none' },
          },
        }),
      ),
    );
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    jobber = sandbox.portal('jobber');
    await jobber.control('POST', 'reset', { world: { seed: 11, size: 1_000 } });
    pool = new BrowserPool({ maxConcurrent: 1 });
    session = await logIn();
  });

  afterEach(async () => {
    await jobber.control('DELETE', 'faults');
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const ctx = (): SyncContext => ({
    tenantId: MAP_CTX.tenantId,
    connectionId: MAP_CTX.connectionId,
    vendor: 'jobber',
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(),
  });

  async function exported(entity: EntityType): Promise<Exported[]> {
    const body = await jobber.control<{ data: Exported[] }>('GET', `world/export/${EXPORT_OF[entity] ?? ''}`);
    return body.data;
  }

  /** One page, waiting out the cost budget as the extractor would. */
  async function page(reader: StreamReader, from: string | null) {
    for (;;) {
      try {
        return await reader.readPage(ctx(), from);
      } catch (error) {
        if (!(error instanceof VendorCallError) || error.failure.kind !== 'rate_limited') throw error;
        await sleep(error.failure.retryAfterMs);
      }
    }
  }

  /** Pages until caught up, waiting out the cost budget as the extractor would. */
  async function pass(
    reader: StreamReader,
    from: string | null,
  ): Promise<{ records: VendorRecord[]; checkpoint: string | null }> {
    const records: VendorRecord[] = [];
    let checkpoint = from;
    for (let pages = 0; pages < 500; pages++) {
      const next = await page(reader, checkpoint);
      records.push(...next.records);
      checkpoint = next.checkpoint;
      if (next.caughtUp) return { records, checkpoint };
    }
    throw new Error(`${reader.stream}: not caught up after 500 pages`);
  }

  const ofEntity = (records: readonly VendorRecord[], entity: EntityType): RecordOf[] =>
    records.filter((r): r is RecordOf => r.kind === 'record' && r.entity === entity);
  const idsOf = (records: readonly { externalId: string }[]) => records.map((r) => r.externalId).sort();

  it('backfills every stream to exactly the ground truth, field by field through the mapping', async () => {
    const byEntity = new Map<EntityType, Map<string, RecordOf>>();
    for (const reader of jobberReadSide.streams) {
      const { records, checkpoint } = await pass(reader, null);
      checkpoints.set(reader.stream, checkpoint);
      expect(records.filter((r) => r.kind === 'drift')).toEqual([]);
      expect(reader.signalsDeletes).toBe(false);
      for (const entity of reader.entities) {
        const mine = ofEntity(records, entity);
        expect(mine.every((r) => !r.deleted)).toBe(true);
        // Within one stream each record comes once.
        expect(new Set(mine.map((r) => r.externalId)).size).toBe(mine.length);
        const all = byEntity.get(entity) ?? new Map<string, RecordOf>();
        for (const r of mine) all.set(r.externalId, r);
        byEntity.set(entity, all);
      }
    }

    for (const [entity, exportName] of Object.entries(EXPORT_OF) as [EntityType, string][]) {
      const truth = await exported(entity);
      const read = byEntity.get(entity) ?? new Map<string, RecordOf>();
      expect({ entity: exportName, ids: [...read.keys()].sort() }).toEqual({
        entity: exportName,
        ids: truth.map((t) => t.id).sort(),
      });
      expect(truth.length).toBeGreaterThan(0);
      for (const item of truth) {
        const record = read.get(item.id) as RecordOf;
        // Every field Jobber holds came through as it holds it.
        expect(record.raw).toMatchObject(item);
        const canonical = jobberReadSide.mapper.toCanonical(record, MAP_CTX);
        expect(entitySchemas[entity].safeParse(canonical).error).toBeUndefined();
        expect(canonical).toMatchObject({
          vendor: 'jobber',
          externalId: item.id,
          connectionId: MAP_CTX.connectionId,
        });
        if (SAME_AS_EXPORT.includes(entity)) {
          const fromTruth = jobberReadSide.mapper.toCanonical({ ...record, raw: item }, MAP_CTX);
          expect(canonical).toEqual(fromTruth);
        }
      }
    }
  });

  it('after a burst of same-timestamp changes, an incremental pass returns each changed record exactly once', async () => {
    expect(checkpoints.size).toBe(jobberReadSide.streams.length);
    const clientsBefore = new Map((await exported('customer')).map((c) => [c.id, JSON.stringify(c)]));
    const jobsBefore = new Map((await exported('job')).map((j) => [j.id, JSON.stringify(j)]));

    const customers = await jobber.control<{ changes: number }>('POST', 'world/burst', {
      count: 60,
      entity: 'customer',
    });
    const jobs = await jobber.control<{ changes: number }>('POST', 'world/burst', {
      count: 40,
      entity: 'job',
    });
    // Some edits are refused by the vendor's rules; the export says which records really changed.
    expect(customers.changes).toBeGreaterThan(10);
    expect(jobs.changes).toBeGreaterThan(10);

    const changed = (before: Map<string, string>, after: readonly Exported[]) =>
      after
        .filter((x) => before.get(x.id) !== JSON.stringify(x))
        .map((x) => x.id)
        .sort();
    const changedClients = changed(clientsBefore, await exported('customer'));
    const changedJobs = changed(jobsBefore, await exported('job'));
    expect(changedClients.length).toBeGreaterThan(10);
    expect(changedJobs.length).toBeGreaterThan(0);

    for (const [stream, entity, expected] of [
      ['clients', 'customer', changedClients],
      ['jobs', 'job', changedJobs],
    ] as const) {
      const reader = streamOf(stream);
      const first = await pass(reader, checkpoints.get(stream) ?? null);
      expect(idsOf(ofEntity(first.records, entity))).toEqual(expected);
      // And nothing again on the next pass.
      const second = await pass(reader, first.checkpoint);
      expect(second.records).toEqual([]);
      checkpoints.set(stream, second.checkpoint);
    }
  });

  it('quotes and requests (filtered, not sortable): activity over time is returned once per change', async () => {
    const before = new Map<EntityType, Map<string, string>>();
    for (const entity of ['estimate', 'lead'] as const) {
      before.set(entity, new Map((await exported(entity)).map((x) => [x.id, JSON.stringify(x)])));
    }
    await jobber.control('POST', 'world/advance', { ms: 12 * 3_600_000 });
    for (const [stream, entity] of [
      ['quotes', 'estimate'],
      ['requests', 'lead'],
    ] as const) {
      const changed = (await exported(entity))
        .filter((x) => before.get(entity)?.get(x.id) !== JSON.stringify(x))
        .map((x) => x.id)
        .sort();
      expect(changed.length).toBeGreaterThan(0);
      const reader = streamOf(stream);
      const first = await pass(reader, checkpoints.get(stream) ?? null);
      expect(idsOf(ofEntity(first.records, entity))).toEqual(changed);
      const second = await pass(reader, first.checkpoint);
      expect(second.records).toEqual([]);
    }
  });

  it('records changing while a backfill pages are neither lost nor returned twice for one version', async () => {
    const reader = streamOf('clients');
    const firstPage = await page(reader, null);
    expect(firstPage.caughtUp).toBe(false);
    const seenFirst = ofEntity(firstPage.records, 'customer');
    // Bulk edits at one instant, some of rows already read, some not yet.
    await jobber.control('POST', 'world/burst', { count: 120, entity: 'customer' });
    const rest = await pass(reader, firstPage.checkpoint);
    const all = [...seenFirst, ...ofEntity(rest.records, 'customer')];
    const truth = await exported('customer');
    // Nothing lost: every client's current version was returned, each version once.
    const versions = all.map((r) => `${r.externalId}@${(r.raw as { updatedAt: string }).updatedAt}`);
    expect(new Set(versions).size).toBe(versions.length);
    const latest = new Map(all.map((r) => [r.externalId, r.raw]));
    expect([...latest.keys()].sort()).toEqual(truth.map((t) => t.id).sort());
    for (const item of truth) expect(latest.get(item.id)).toEqual(item);
    // Only records read before their edit came twice.
    const repeated = all.length - latest.size;
    expect(repeated).toBeLessThanOrEqual(seenFirst.length);
  });

  it('a renamed field is drift for the records that carry it; the rest of the page maps', async () => {
    await jobber.control('POST', 'faults', { drift: [{ from: 'balance', to: 'accountBalance' }] });
    const clients = await page(streamOf('clients'), null);
    const drift = clients.records.filter((r) => r.kind === 'drift');
    const properties = ofEntity(clients.records, 'location');
    expect(drift.length).toBeGreaterThan(0);
    expect(drift.every((d) => d.entity === 'customer' && d.externalId !== null)).toBe(true);
    expect(drift[0]).toMatchObject({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: 'balance', code: 'invalid_type' }),
        expect.objectContaining({ code: 'unrecognized_keys' }),
      ]) as unknown,
    });
    expect(properties.length).toBeGreaterThan(0);
    for (const p of properties) {
      expect(() => jobberReadSide.mapper.toCanonical(p, MAP_CTX)).not.toThrow();
    }
    const jobs = await page(streamOf('jobs'), null);
    expect(jobs.records.filter((r) => r.kind === 'drift')).toEqual([]);
  });

  it('turns 429, 5xx and an ended session into the VendorCallErrors the extractor acts on', async () => {
    const reader = streamOf('users');
    const failureOf = async () => {
      try {
        await reader.readPage(ctx(), null);
      } catch (error) {
        if (error instanceof VendorCallError) return error.failure;
        throw error;
      }
      throw new Error('the read did not fail');
    };
    await jobber.control('POST', 'faults', { rateLimit: { next: 1, retryAfterSeconds: 7 } });
    expect(await failureOf()).toEqual({ kind: 'rate_limited', retryAfterMs: 7_000 });
    await jobber.control('POST', 'faults', { serverError: { rate: 1, status: 502 } });
    expect(await failureOf()).toEqual({ kind: 'unavailable', status: 502, message: 'HTTP 502' });
    await jobber.control('DELETE', 'faults');
    await jobber.control('POST', 'sessions/expire', {});
    expect(await failureOf()).toEqual({ kind: 'unauthorized', status: 401 });
    session = await logIn();
    await expect(reader.readPage(ctx(), null)).resolves.toMatchObject({ caughtUp: true });
  });
});
