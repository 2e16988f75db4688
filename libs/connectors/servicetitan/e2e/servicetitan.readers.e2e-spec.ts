import { safeParseEntity, type EntityType } from '@fieldsync/canonical-model';
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
  userOf,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { servicetitanAuthFlow, servicetitanReadSide } from '../src';

/*
 * The ServiceTitan read side against the real sandbox process, with a session from the real auth flow
 * (Chromium): a backfill of every stream equals the sandbox's ground truth, record for record and field
 * for field through the mapper; a renamed field gives drift records while the other streams still map;
 * the export checkpoints resume with nothing new until the world changes, then with the changes.
 */

jest.setTimeout(180_000);

type Row = Record<string, unknown> & { id: number };
type Rec = Extract<VendorRecord, { kind: 'record' }>;
type Drift = Extract<VendorRecord, { kind: 'drift' }>;

const CONNECTION = { tenantId: 'tenant-st-e2e', connectionId: 'conn-st-e2e' };
const { mapper } = servicetitanReadSide;

/** What each ground-truth feed is, canonically, and when its row means "deleted" (the vendor's semantics). */
const FEEDS: readonly { key: string; entity: EntityType; deleted: (row: Row) => boolean }[] = [
  { key: 'customers', entity: 'customer', deleted: (r) => r['mergedToId'] !== null },
  { key: 'locations', entity: 'location', deleted: (r) => r['mergedToId'] !== null },
  { key: 'contacts', entity: 'contact', deleted: (r) => r['active'] === false },
  { key: 'technicians', entity: 'technician', deleted: () => false },
  { key: 'invoices', entity: 'invoice', deleted: (r) => r['active'] === false },
  { key: 'payments', entity: 'payment', deleted: (r) => r['active'] === false },
  { key: 'services', entity: 'pricebook_item', deleted: () => false },
  { key: 'materials', entity: 'pricebook_item', deleted: () => false },
  { key: 'equipment', entity: 'pricebook_item', deleted: () => false },
  { key: 'memberships', entity: 'membership', deleted: (r) => r['status'] === 'Deleted' },
  { key: 'installed-equipment', entity: 'equipment', deleted: (r) => r['active'] === false },
];

const withoutActive = (row: Row): Row => {
  const { active: _active, ...rest } = row;
  return rest;
};

describe('ServiceTitan readers (sandbox, real session)', () => {
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_SIZE: '400' });
    st = sandbox.portal('servicetitan');
    pool = new BrowserPool({ maxConcurrent: 1 });
    const admin = await userOf(st, 'st.admin');
    session = await pool.withPage((page) =>
      servicetitanAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: st,
          totpSecret: admin.totpSecret ?? '',
          credentials: {
            ...CONNECTION,
            vendor: 'servicetitan',
            portalUrl: st.url,
            username: 'st.admin',
            password: 'Sandbox!Admin1',
            mfa: { method: 'totp' },
          },
        }),
      ),
    );
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  function ctx(): SyncContext {
    return {
      ...CONNECTION,
      vendor: 'servicetitan',
      session,
      logger: pino({ level: 'silent' }),
      signal: AbortSignal.timeout(60_000),
      now: () => new Date(),
    };
  }

  /** readPage until caught up, waiting out 429s as the extractor would (Retry-After). */
  async function readToEnd(
    reader: StreamReader,
    from: string | null,
  ): Promise<{ records: VendorRecord[]; checkpoint: string | null }> {
    const records: VendorRecord[] = [];
    let checkpoint = from;
    for (;;) {
      let page;
      try {
        page = await reader.readPage(ctx(), checkpoint);
      } catch (error) {
        const failure = error instanceof VendorCallError ? error.failure : undefined;
        if (failure?.kind === 'rate_limited') {
          await new Promise((resolve) => setTimeout(resolve, failure.retryAfterMs));
          continue;
        }
        throw error;
      }
      records.push(...page.records);
      checkpoint = page.checkpoint;
      if (page.caughtUp) return { records, checkpoint };
    }
  }

  async function groundTruth(key: string): Promise<Row[]> {
    return (await st.control<{ data: Row[] }>('GET', `world/export/${key}`)).data;
  }

  /** The records a reader must yield, per entity and external id, built from the ground truth. */
  async function expected(): Promise<Map<EntityType, Map<string, Rec>>> {
    const out = new Map<EntityType, Map<string, Rec>>();
    const put = (entity: EntityType, id: number, raw: unknown, deleted: boolean) => {
      const byId = out.get(entity) ?? new Map<string, Rec>();
      byId.set(String(id), { kind: 'record', entity, externalId: String(id), raw, deleted });
      out.set(entity, byId);
    };
    for (const feed of FEEDS) {
      for (const row of await groundTruth(feed.key)) put(feed.entity, row.id, row, feed.deleted(row));
    }
    const assignments = (await groundTruth('appointment-assignments')).filter((a) => a['active'] === true);
    for (const row of await groundTruth('appointments')) {
      const mine = assignments.filter((a) => a['appointmentId'] === row.id).map(withoutActive);
      put(
        'appointment',
        row.id,
        { appointment: withoutActive(row), assignments: mine },
        row['active'] === false,
      );
    }
    // Jobs with the tag types their tagTypeIds name (the tenant's, from the ground truth when any is named).
    const jobRows = await groundTruth('jobs');
    const tagged = jobRows.some((j) => (j['tagTypeIds'] as number[]).length > 0);
    const tagTypes = new Map((tagged ? await groundTruth('tag-types') : []).map((t) => [t.id, t]));
    for (const row of jobRows) {
      const named = [...new Set(row['tagTypeIds'] as number[])].map((id) => tagTypes.get(id));
      put('job', row.id, { job: row, tagTypes: named }, row['active'] === false);
    }
    const jobs = new Map(jobRows.map((j) => [j.id, j]));
    for (const row of await groundTruth('estimates')) {
      const job = jobs.get(row['jobId'] as number);
      put(
        'estimate',
        row.id,
        {
          estimate: row,
          job: job ? { id: job.id, customerId: job['customerId'], locationId: job['locationId'] } : null,
        },
        row['active'] === false,
      );
    }
    return out;
  }

  /** Same record, same canonical object (which must parse with its schema). */
  function expectSame(actual: Rec, wanted: Rec | undefined): void {
    expect(wanted).toBeDefined();
    if (!wanted) return;
    expect(actual.raw).toEqual(wanted.raw);
    expect(actual.deleted).toBe(wanted.deleted);
    const object = mapper.toCanonical(actual, CONNECTION);
    expect(safeParseEntity(actual.entity, object).success).toBe(true);
    expect(object).toEqual(mapper.toCanonical(wanted, CONNECTION));
  }

  const checkpoints = new Map<string, string | null>();
  let backfill: Map<EntityType, Map<string, Rec>>;

  it('a backfill of every stream yields exactly the ground truth of every entity', async () => {
    backfill = new Map();
    for (const reader of servicetitanReadSide.streams) {
      const { records, checkpoint } = await readToEnd(reader, null);
      checkpoints.set(reader.stream, checkpoint);
      expect(records.filter((r) => r.kind === 'drift')).toEqual([]);
      for (const record of records) {
        if (record.kind !== 'record') continue;
        const byId = backfill.get(record.entity) ?? new Map<string, Rec>();
        byId.set(record.externalId, record);
        backfill.set(record.entity, byId);
      }
    }
    const truth = await expected();
    expect([...backfill.keys()].sort()).toEqual([...truth.keys()].sort());
    expect(truth.size).toBe(12);
    for (const [entity, wanted] of truth) {
      const got = backfill.get(entity) ?? new Map<string, Rec>();
      expect({ entity, ids: [...got.keys()].sort() }).toEqual({ entity, ids: [...wanted.keys()].sort() });
      for (const [id, record] of got) expectSame(record, wanted.get(id));
    }
    // The world holds deleted contacts, and the records say so.
    expect([...(backfill.get('contact')?.values() ?? [])].some((r) => r.deleted)).toBe(true);
  });

  it('a second pass from the final checkpoints returns nothing; after the world moves, exactly the changes', async () => {
    expect(checkpoints.size).toBe(servicetitanReadSide.streams.length);
    for (const reader of servicetitanReadSide.streams) {
      const again = await readToEnd(reader, checkpoints.get(reader.stream) ?? null);
      expect({ stream: reader.stream, records: again.records }).toEqual({
        stream: reader.stream,
        records: [],
      });
    }

    const advanced = await st.control<{ changes: number }>('POST', 'world/advance', { ms: 3 * 3_600_000 });
    expect(advanced.changes).toBeGreaterThan(0);

    const changed = new Map<EntityType, Map<string, Rec>>();
    let total = 0;
    for (const reader of servicetitanReadSide.streams) {
      const { records, checkpoint } = await readToEnd(reader, checkpoints.get(reader.stream) ?? null);
      checkpoints.set(reader.stream, checkpoint);
      for (const record of records) {
        if (record.kind !== 'record')
          throw new Error(`drift in ${reader.stream}: ${JSON.stringify(record.issues)}`);
        total += 1;
        const byId = changed.get(record.entity) ?? new Map<string, Rec>();
        byId.set(record.externalId, record);
        changed.set(record.entity, byId);
      }
    }
    expect(total).toBeGreaterThan(0);
    // The activity deletes and voids things too: those changes arrive as deletions.
    const deletions = [...changed.values()].flatMap((m) => [...m.values()]).filter((r) => r.deleted);
    expect(deletions.length).toBeGreaterThan(0);

    // What we held, with the changes applied, is the world now; every changed record is the current one.
    const truth = await expected();
    for (const [entity, wanted] of truth) {
      const merged = new Map([...(backfill.get(entity) ?? []), ...(changed.get(entity) ?? [])]);
      expect({ entity, ids: [...merged.keys()].sort() }).toEqual({ entity, ids: [...wanted.keys()].sort() });
      for (const [id, record] of merged) expectSame(record, wanted.get(id));
    }
    // Only what changed comes back: a record returned with the content we already had is a defect.
    for (const [entity, records] of changed) {
      for (const [id, record] of records) {
        const before = backfill.get(entity)?.get(id);
        if (before)
          expect({ entity, id, same: JSON.stringify(before.raw) === JSON.stringify(record.raw) }).toEqual({
            entity,
            id,
            same: false,
          });
      }
    }
  });

  it('a renamed field yields drift records with issues; the other streams still map', async () => {
    await st.control('POST', 'faults', { drift: [{ from: 'doNotMail', to: 'doNotEmail' }] });
    try {
      const find = (name: string) => {
        const reader = servicetitanReadSide.streams.find((s) => s.stream === name);
        if (!reader) throw new Error(`no stream ${name}`);
        return reader;
      };
      const customers = await readToEnd(find('customers'), null);
      const drifts = customers.records.filter((r): r is Drift => r.kind === 'drift');
      const ids = (await groundTruth('customers')).map((c) => String(c.id)).sort();
      expect(drifts.map((d) => d.externalId).sort()).toEqual(ids);
      for (const d of drifts) {
        expect(d.entity).toBe('customer');
        expect(d.externalId).toMatch(/^\d+$/);
        expect(d.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['doNotMail']));
        expect(d.issues.find((i) => i.path === '')?.message).toMatch(/doNotEmail/);
      }

      const locations = await readToEnd(find('locations'), null);
      expect(locations.records.length).toBeGreaterThan(0);
      for (const record of locations.records) {
        expect(record.kind).toBe('record');
        if (record.kind === 'record') {
          expect(safeParseEntity('location', mapper.toCanonical(record, CONNECTION)).success).toBe(true);
        }
      }
    } finally {
      await st.control('DELETE', 'faults');
    }
  });
});
