import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { describeChange, type Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { OutboxRelay } from '@fieldsync/infrastructure';
import { connectNats, parseStreamsConfig, StreamProvisioner, streamName } from '@fieldsync/messaging';
import {
  CanonicalStoreRepository,
  ChangeEventRepository,
  ChangeLog,
  createDatabase,
  cursorStateSchema,
  ENTITY_TABLES,
  migrateToLatest,
  SyncCursorRepository,
  TenantRepository,
  type DB,
} from '@fieldsync/persistence';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  getTestServices,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import { ConnectionRateLimiter } from '@fieldsync/platform';
import pino from 'pino';
import { Registry } from 'prom-client';
import { FakeSessionSource, mapCustomer, ScriptedVendor } from '../__fixtures__/scripted-vendor.fixture';
import { DriftReportRepository } from '../store/drift-report.repository';
import { connectionRateOf } from './connection-rate';
import { StreamSyncService, type RunResult } from './stream-sync.service';
import { SyncMetrics } from './sync.metrics';
import type { SyncOptions } from './sync-options.types';
import { SyncScheduler } from './sync.scheduler';

/*
 * The sync engine against real Postgres and NATS JetStream, driven through the scripted vendor
 * (apps/extractor/src/__fixtures__): store, change events, outbox relay to FSM_EVENTS, drift, deletes,
 * reconciliation, leases between two workers, and the 401 policy. Sessions come from FakeSessionSource,
 * a test double of the SessionSource seam (the production SessionClient is wired in ExtractorModule).
 */

const TENANT = 'ten_extractor';
const logger = pino({ level: 'silent' });

interface Worker {
  readonly scheduler: SyncScheduler;
  readonly service: StreamSyncService;
}

interface EventRow {
  id: string;
  type: string;
  entity_id: string;
  sequence: string;
  payload: {
    data: {
      changedFields?: string[];
      previous?: Record<string, unknown> | null;
      object?: { externalId?: string };
    };
  };
}

describe('extractor sync engine', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let nc: NatsConnection;
  let prefix: string;
  let relay: OutboxRelay;
  let connectionSerial = 0;

  beforeAll(async () => {
    database = await createTestDatabase('extractor');
    db = createDatabase({ url: database.url, poolMax: 12 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: TENANT, name: 'Extractor' });
    prefix = uniqueStreamPrefix('extr');
    nc = await connectNats({ servers: getTestServices().natsUrl, name: 'extractor-spec', timeoutMs: 5_000 });
    await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provisionOrThrow();
    relay = new OutboxRelay(
      db,
      nc,
      { databaseUrl: database.url, prefix },
      new Registry(),
      new ChangeEventRepository(db),
    );
  });

  afterAll(async () => {
    if (nc) {
      await deleteStreamsWithPrefix(prefix).catch(() => undefined);
      await nc.close();
    }
    await db?.destroy();
    await database?.drop();
  });

  async function newConnection(): Promise<string> {
    connectionSerial += 1;
    const id = `con_extr${connectionSerial}`;
    await db
      .insertInto('connections')
      .values({
        id,
        tenant_id: TENANT,
        vendor: 'servicetitan',
        portal_url: 'https://st.test',
        username: id,
        status: 'active',
      })
      .execute();
    return id;
  }

  function options(overrides: Partial<SyncOptions> = {}): SyncOptions {
    return {
      workerId: 'worker-a',
      leaseMs: 5_000,
      pollIntervalMs: 20,
      concurrency: 4,
      perConnectionConcurrency: 2,
      requestsPerSecond: 1_000,
      maxAttempts: 3,
      retryBaseMs: 5,
      retryMaxMs: 20,
      maxRetryAfterMs: 5_000,
      vendorTimeoutMs: 30_000,
      failureBackoffBaseMs: 100,
      reconcileIntervalMs: 3_600_000,
      driftRetryMs: 3_600_000,
      intervalOverrides: new Map(),
      ensureIntervalMs: 60_000,
      ...overrides,
    };
  }

  function worker(
    vendor: ScriptedVendor,
    sessions: FakeSessionSource,
    overrides: Partial<SyncOptions> = {},
    observe: { logger?: pino.Logger; registry?: Registry; now?: () => Date } = {},
  ): Worker {
    const syncOptions = options(overrides);
    const readSides = new Map<Vendor, ConnectorReadSide>([['servicetitan', vendor.readSide]]);
    const service = new StreamSyncService({
      db,
      cursors: new SyncCursorRepository(db),
      changeLog: new ChangeLog(db),
      drift: new DriftReportRepository(),
      readSides,
      sessions,
      limiter: new ConnectionRateLimiter(connectionRateOf(db, readSides, syncOptions)),
      metrics: new SyncMetrics(observe.registry ?? new Registry()),
      options: syncOptions,
      logger: observe.logger ?? logger,
      ...(observe.now ? { now: observe.now } : {}),
    });
    const scheduler = new SyncScheduler(
      new SyncCursorRepository(db),
      service,
      readSides,
      syncOptions,
      logger,
    );
    return { scheduler, service };
  }

  /**
   * Puts every other connection's cursors an hour ahead: the other tests' connections stay active, and
   * their cursors (created by each ensureCursors, or due again after their short intervals) would
   * otherwise be claimed by this test's workers with this test's vendor and sessions in a slow run.
   */
  async function onlyThese(connectionIds: readonly string[]): Promise<void> {
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: sql<Date>`now() + interval '1 hour'` })
      .where('connection_id', 'not in', [...connectionIds])
      .execute();
  }

  /** Makes the connection's streams due now (and only its: onlyThese), then claims and runs until nothing is due. */
  async function sync(w: Worker, connectionId: string, streams?: string[]): Promise<RunResult[]> {
    await w.scheduler.ensureCursors();
    await onlyThese([connectionId]);
    let query = db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', '=', connectionId);
    if (streams) query = query.where('entity_type', 'in', streams);
    await query.execute();
    const results: RunResult[] = [];
    for (;;) {
      const runs = await w.scheduler.claimAndStart();
      if (runs.length === 0) return results;
      results.push(...(await Promise.all(runs)));
    }
  }

  const events = (connectionId: string): Promise<EventRow[]> =>
    db
      .selectFrom('change_events')
      .select(['id', 'type', 'entity_id', 'sequence'])
      .select(sql<EventRow['payload']>`payload::jsonb`.as('payload'))
      .where('connection_id', '=', connectionId)
      .orderBy('sequence')
      .execute();

  const cursor = (connectionId: string, stream: string) =>
    db
      .selectFrom('sync_cursors')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('entity_type', '=', stream)
      .executeTakeFirstOrThrow();

  /** Everything the relay published to FSM_EVENTS for the connection, by event id. */
  async function published(connectionId: string): Promise<Map<string, { type: string; subject: string }>> {
    while ((await relay.relayOnce()) > 0) {
      /* drain the outbox */
    }
    const info = await (await jetstreamManager(nc)).streams.info(streamName('events', prefix));
    const out = new Map<string, { type: string; subject: string }>();
    if (info.state.messages === 0) return out;
    const consumer = await jetstream(nc).consumers.get(streamName('events', prefix));
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
    let seen = 0;
    for await (const message of batch) {
      seen += 1;
      const body = message.json<{ id: string; type: string; connectionid: string }>();
      if (body.connectionid === connectionId) out.set(body.id, { type: body.type, subject: message.subject });
      if (seen === info.state.messages) break;
    }
    return out;
  }

  it('maps every projected column to a column of its canonical-store table', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns where table_schema = 'public'`.execute(
      db,
    );
    const byTable = new Map<string, Set<string>>();
    for (const row of columns.rows) {
      const set = byTable.get(row.table_name) ?? new Set<string>();
      set.add(row.column_name);
      byTable.set(row.table_name, set);
    }
    const missing = Object.values(ENTITY_TABLES).flatMap((spec) =>
      [
        'status',
        'vendor_status',
        'tags',
        'vendor_created_at',
        'vendor_updated_at',
        ...Object.keys(spec.columns),
      ]
        .filter((column) => !byTable.get(spec.table)?.has(column))
        .map((column) => `${spec.table}.${column}`),
    );
    expect(missing).toEqual([]);
  });

  it('emits exactly one event per real change, with its type and changedFields, none without a change, and the relay publishes them', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['1', '2', '3']) vendor.upsertCustomer({ id, email: `c${id}@example.com` });
    for (const id of ['10', '11']) vendor.upsertJob({ id, customerId: '1' });
    const w = worker(vendor, sessions);

    const first = await sync(w, connectionId);
    expect(first.map((r) => r.outcome)).toEqual(['caught_up', 'caught_up']);
    const created = await events(connectionId);
    expect(created.map((e) => e.type).sort()).toEqual([
      'customer.created',
      'customer.created',
      'customer.created',
      'job.created',
      'job.created',
    ]);
    expect(created.map((e) => Number(e.sequence))).toEqual([1, 2, 3, 4, 5]);
    const jobRow = await db
      .selectFrom('jobs')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', '10')
      .executeTakeFirstOrThrow();
    expect(jobRow).toMatchObject({
      status: 'scheduled',
      vendor_status: 'Scheduled',
      total_minor: '10000',
      currency: 'USD',
      version: 1,
    });
    expect(jobRow.raw).toMatchObject({ id: '10', status: 'Scheduled' });
    const customerRow = await db
      .selectFrom('customers')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', '1')
      .executeTakeFirstOrThrow();
    expect(customerRow).toMatchObject({
      email: 'c1@example.com',
      city: 'San Diego',
      display_name: 'Customer 1',
    });

    vendor.upsertJob({ id: '10', status: 'Dispatched' }); // job.status_changed
    vendor.upsertCustomer({ id: '2', name: 'Renamed Two' }); // customer.updated
    vendor.upsertCustomer({ id: '3' }); // only modifiedOn moves: no event
    vendor.upsertJob({ id: '11', total: '250.50' }); // job.updated
    await sync(w, connectionId);
    const changes = (await events(connectionId)).slice(5);
    const byType = Object.fromEntries(changes.map((e) => [e.type, e.payload.data]));
    expect(changes).toHaveLength(3);
    expect(Object.keys(byType).sort()).toEqual(['customer.updated', 'job.status_changed', 'job.updated']);
    expect(byType['job.status_changed']?.changedFields).toEqual(
      expect.arrayContaining(['status', 'vendorStatus']),
    );
    expect(byType['job.status_changed']?.previous).toMatchObject({
      status: 'scheduled',
      vendorStatus: 'Scheduled',
    });
    expect(byType['customer.updated']?.changedFields).toEqual(['displayName']);
    expect(byType['job.updated']?.changedFields).toEqual(
      expect.arrayContaining(['total', 'subtotal', 'balance']),
    );
    const customer3 = await db
      .selectFrom('customers')
      .select(['version'])
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', '3')
      .executeTakeFirstOrThrow();
    expect(customer3.version).toBe(2); // its document moved (updatedAt), without an event

    // Re-reading everything from the start changes nothing: no event, no row written.
    const before = await db
      .selectFrom('jobs')
      .select(['external_id', 'version', 'updated_at'])
      .where('connection_id', '=', connectionId)
      .orderBy('external_id')
      .execute();
    await db
      .updateTable('sync_cursors')
      .set({ cursor: null })
      .where('connection_id', '=', connectionId)
      .execute();
    const reread = await sync(w, connectionId);
    expect(reread.every((r) => r.outcome === 'caught_up' && r.records > 0)).toBe(true);
    expect(await events(connectionId)).toHaveLength(8);
    expect(
      await db
        .selectFrom('jobs')
        .select(['external_id', 'version', 'updated_at'])
        .where('connection_id', '=', connectionId)
        .orderBy('external_id')
        .execute(),
    ).toEqual(before);

    const all = await events(connectionId);
    const onStream = await published(connectionId);
    expect([...onStream.keys()].sort()).toEqual(all.map((e) => e.id).sort());
    expect(onStream.get(changes.find((e) => e.type === 'job.status_changed')?.id ?? '')?.subject).toBe(
      `${prefix}.fsm.events.${TENANT}.servicetitan.job.status_changed`,
    );
  });

  it('leaves no rows, events or checkpoint of a page whose store fails, and stores it whole on the next run', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 5 });
    const sessions = new FakeSessionSource();
    for (const id of ['20', '21', 'boom']) vendor.upsertJob({ id });
    await sql
      .raw(
        `
      create function extractor_spec_fail() returns trigger language plpgsql as $$
      begin
        if new.payload::jsonb -> 'data' -> 'object' ->> 'externalId' = 'boom' then raise exception 'scripted store failure'; end if;
        return new;
      end $$;
      create trigger extractor_spec_fail before insert on change_events for each row execute function extractor_spec_fail();
    `,
      )
      .execute(db);
    // The failed run is retried after at least failureBackoffBaseMs: longer than the other streams' runs
    // in this sync, so the jobs stream fails once here however slow the machine (at 100 ms a loaded run
    // claimed it again and counted two failures).
    const w = worker(vendor, sessions, { failureBackoffBaseMs: 60_000 });
    try {
      const [result] = await sync(w, connectionId, ['jobs']);
      expect(result?.outcome).toBe('failed');
      expect(
        await db.selectFrom('jobs').select('id').where('connection_id', '=', connectionId).execute(),
      ).toEqual([]);
      expect(await events(connectionId)).toEqual([]);
      const failed = await cursor(connectionId, 'jobs');
      expect(failed).toMatchObject({
        cursor: null,
        lease_owner: null,
        consecutive_failures: 1,
        records_synced: '0',
      });
      expect(failed.last_error).toContain('scripted store failure');
    } finally {
      await sql
        .raw(`drop trigger extractor_spec_fail on change_events; drop function extractor_spec_fail();`)
        .execute(db);
    }
    const [retry] = await sync(w, connectionId, ['jobs']);
    expect(retry?.outcome).toBe('caught_up');
    expect((await events(connectionId)).map((e) => e.type)).toEqual([
      'job.created',
      'job.created',
      'job.created',
    ]);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      consecutive_failures: 0,
      last_error: null,
      records_synced: '3',
    });
  });

  it('never lets two workers read one stream at once, and each record is announced once', async () => {
    const connections = [await newConnection(), await newConnection(), await newConnection()];
    const vendor = new ScriptedVendor({ pageSize: 1 });
    const sessions = new FakeSessionSource();
    for (let i = 0; i < 6; i += 1) vendor.upsertCustomer({ id: `c${i}` });
    for (let i = 0; i < 6; i += 1) vendor.upsertJob({ id: `j${i}` });
    const a = worker(vendor, sessions, { workerId: 'worker-a', concurrency: 3 });
    const b = worker(vendor, sessions, { workerId: 'worker-b', concurrency: 3 });
    await a.scheduler.ensureCursors();
    await onlyThese(connections);
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', 'in', connections)
      .execute();

    // Both claim while every read is held: each stream goes to exactly one of them.
    vendor.hold();
    const runsA = await a.scheduler.claimAndStart();
    const runsB = await b.scheduler.claimAndStart();
    const leased = await db
      .selectFrom('sync_cursors')
      .select(['connection_id', 'entity_type', 'lease_owner'])
      .where('connection_id', 'in', connections)
      .execute();
    expect(runsA.length + runsB.length).toBe(6);
    expect(leased.every((row) => row.lease_owner === 'worker-a' || row.lease_owner === 'worker-b')).toBe(
      true,
    );
    expect(await worker(vendor, sessions, { workerId: 'worker-c' }).scheduler.claimAndStart()).toEqual([]);
    vendor.release();
    const results = await Promise.all([...runsA, ...runsB]);
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('caught_up'));

    // And with both loops running freely over fresh changes.
    for (let i = 0; i < 6; i += 1) vendor.upsertCustomer({ id: `c${i}`, name: `Changed ${i}` });
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', 'in', connections)
      .execute();
    a.scheduler.start();
    b.scheduler.start();
    try {
      for (let tries = 0; tries < 200; tries += 1) {
        const pending = await db
          .selectFrom('sync_cursors')
          .select('connection_id')
          .where('connection_id', 'in', connections)
          .where((eb) => eb.or([eb('next_run_at', '<=', new Date()), eb('lease_owner', 'is not', null)]))
          .execute();
        if (pending.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await a.scheduler.stop();
      await b.scheduler.stop();
    }
    expect([...vendor.maxConcurrentReads.values()].every((n) => n === 1)).toBe(true);
    for (const connectionId of connections) {
      const types = (await events(connectionId)).map((e) => e.type).sort();
      expect(types).toEqual([
        ...Array<string>(6).fill('customer.created'),
        ...Array<string>(6).fill('customer.updated'),
        ...Array<string>(6).fill('job.created'),
      ]);
    }
  });

  it('refuses the writes of a claim whose lease ran out even when the same worker claimed the stream again', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor();
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '31' });
    await worker(vendor, sessions, { workerId: 'worker-same' }).scheduler.ensureCursors();
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', '=', connectionId)
      .where('entity_type', '=', 'customers')
      .execute();
    const cursors = new SyncCursorRepository(db);
    const claim = () =>
      cursors.claimNext({
        owner: 'worker-same',
        leaseMs: 300,
        vendors: ['servicetitan'],
        busy: [],
        perConnection: 2,
      });
    let first;
    do first = await claim();
    while (first && first.connectionId !== connectionId);
    expect(first?.stream).toBe('customers');
    await new Promise((resolve) => setTimeout(resolve, 400));
    let second;
    do second = await claim();
    while (second && second.connectionId !== connectionId);
    expect(second?.stream).toBe('customers');
    expect(second?.lease.owner).toBe(first?.lease.owner);
    const advance = (lease: typeof first) =>
      db.transaction().execute((trx) =>
        cursors.advance(
          trx,
          { connectionId, stream: 'customers' },
          lease?.lease ?? { owner: '', token: '' },
          {
            state: cursorStateSchema.parse({ checkpoint: 'x' }),
            generation: 0,
            records: 0,
            leaseMs: 1_000,
          },
        ),
      );
    expect(await advance(first)).toBe(false);
    expect(await advance(second)).toBe(true);
    expect(
      await cursors.complete({ connectionId, stream: 'customers' }, first?.lease ?? { owner: '', token: '' }),
    ).toBe(false);
    expect(
      await cursors.complete(
        { connectionId, stream: 'customers' },
        second?.lease ?? { owner: '', token: '' },
      ),
    ).toBe(true);
    // Leave nothing due for the tests after this one.
    await db.updateTable('connections').set({ status: 'disabled' }).where('id', '=', connectionId).execute();
  });

  it("takes over a stream whose worker died once its lease runs out, and the dead worker's writes are refused", async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor();
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '30' });
    const b = worker(vendor, sessions, { workerId: 'worker-b' });
    await b.scheduler.ensureCursors();
    await onlyThese([connectionId]);
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', '=', connectionId)
      .execute();
    const cursors = new SyncCursorRepository(db);
    // A worker claims the customers stream with a short lease and dies.
    let dead;
    do {
      dead = await cursors.claimNext({
        owner: 'worker-dead',
        leaseMs: 400,
        vendors: ['servicetitan'],
        busy: [],
        perConnection: 2,
      });
    } while (dead && dead.connectionId !== connectionId);
    expect(dead?.connectionId).toBe(connectionId);
    const deadStream = dead?.stream ?? '';
    const whileLeased = await b.scheduler.claimAndStart();
    expect(whileLeased).toHaveLength(1); // only the other stream of the connection
    await Promise.all(whileLeased);
    expect(await b.scheduler.claimAndStart()).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 500));
    const takeover = await b.scheduler.claimAndStart();
    expect(takeover).toHaveLength(1);
    expect((await Promise.all(takeover))[0]?.outcome).toBe('caught_up');
    const held = await db.transaction().execute((trx) =>
      cursors.advance(
        trx,
        { connectionId, stream: deadStream },
        dead?.lease ?? { owner: 'worker-dead', token: '' },
        {
          state: cursorStateSchema.parse({ checkpoint: '999' }),
          generation: 0,
          records: 1,
          leaseMs: 1_000,
        },
      ),
    );
    expect(held).toBe(false);
    expect(await cursor(connectionId, deadStream)).toMatchObject({ lease_owner: null });
    expect((await events(connectionId)).map((e) => e.type)).toEqual(['customer.created']);
  });

  it('on stop, aborts the runs in flight and hands their leases back with the last committed checkpoint', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor();
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '35' });
    const w = worker(vendor, sessions, { workerId: 'worker-stopping' });
    await w.scheduler.ensureCursors();
    await onlyThese([connectionId]);
    await db
      .updateTable('sync_cursors')
      .set({ next_run_at: new Date(Date.now() - 1_000) })
      .where('connection_id', '=', connectionId)
      .execute();
    vendor.hold();
    const runs = await w.scheduler.claimAndStart();
    expect(runs).toHaveLength(2);
    await w.scheduler.stop();
    expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(['stopped', 'stopped']);
    vendor.release();
    const rows = await db
      .selectFrom('sync_cursors')
      .select(['lease_owner', 'cursor', 'consecutive_failures'])
      .where('connection_id', '=', connectionId)
      .execute();
    expect(rows).toEqual([
      { lease_owner: null, cursor: null, consecutive_failures: 0 },
      { lease_owner: null, cursor: null, consecutive_failures: 0 },
    ]);
    expect(await events(connectionId)).toEqual([]);
  });

  it("reports a backfill's progress: records, rate and ETA as gauges and as info log lines", async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    vendor.reportTotal = true;
    for (let i = 0; i < 10; i += 1) vendor.upsertCustomer({ id: `p${i}` });
    const lines: Record<string, unknown>[] = [];
    const captured = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const registry = new Registry();
    const reported = jest.spyOn(SyncMetrics.prototype, 'passProgress');
    try {
      await sync(worker(vendor, new FakeSessionSource(), {}, { logger: captured, registry }), connectionId, [
        'customers',
      ]);
      // The connection's other streams (jobs) may run in the same claim and report their own empty pass.
      const mine = reported.mock.calls.filter(
        ([connection, stream]) => connection === connectionId && stream === 'customers',
      );
      // After the first page of 2 out of 10: an ETA for the other 8 at the rate so far.
      expect(mine[0]?.[2]).toMatchObject({ records: 2, etaSeconds: expect.any(Number) as unknown });
      expect(mine[0]?.[2].etaSeconds).toBeGreaterThan(0);
      expect(mine.at(-1)?.[2]).toMatchObject({ records: 10, etaSeconds: 0 });
    } finally {
      reported.mockRestore();
    }
    const gauges = await registry.getMetricsAsJSON();
    const gauge = (name: string) =>
      gauges
        .find((m) => m.name === name)
        ?.values.find((v) => v.labels['connection_id'] === connectionId && v.labels['stream'] === 'customers')
        ?.value;
    expect(gauge('fsm_extractor_backfill_records')).toBe(10);
    expect(gauge('fsm_extractor_backfill_records_per_second')).toBeGreaterThan(0);
    expect(gauge('fsm_extractor_backfill_eta_seconds')).toBe(0);
    const logged = lines.filter((l) => l['connectionId'] === connectionId && l['stream'] === 'customers');
    expect(logged.filter((l) => l['msg'] === 'pass complete')).toEqual([
      expect.objectContaining({ level: 30, records: 10, total: 10, etaSeconds: 0, done: true }),
    ]);
  });

  it('quarantines drift once per kind while the other records of the page are stored', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 10 });
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '40' });
    vendor.putRaw('customers', '41', {
      id: '41',
      fullName: 'Renamed Field',
      email: null,
      city: null,
      active: true,
      modifiedOn: '2026-01-01T00:00:00Z',
    });
    vendor.putRaw('customers', '42', {
      id: '42',
      fullName: 'Renamed Too',
      email: null,
      city: null,
      active: true,
      modifiedOn: '2026-01-01T00:00:00Z',
    });
    vendor.upsertCustomer({ id: '43' });
    const w = worker(vendor, sessions);
    await sync(w, connectionId, ['customers']);
    expect(
      (
        await db
          .selectFrom('customers')
          .select('external_id')
          .where('connection_id', '=', connectionId)
          .orderBy('external_id')
          .execute()
      ).map((r) => r.external_id),
    ).toEqual(['40', '43']);
    let reports = await db
      .selectFrom('drift_reports')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .execute();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      entity_type: 'customer',
      kind: 'wire_schema',
      occurrences: 2,
      external_id: '42',
    });
    expect(reports[0]?.raw).toMatchObject({ fullName: 'Renamed Too' });

    vendor.putRaw('customers', '44', {
      id: '44',
      fullName: 'Third',
      email: null,
      city: null,
      active: true,
      modifiedOn: '2026-01-01T00:00:00Z',
    });
    vendor.putRaw('customers', '45', {
      id: '45',
      name: 'Bad email',
      email: 7,
      city: null,
      active: true,
      modifiedOn: '2026-01-01T00:00:00Z',
    });
    await sync(w, connectionId, ['customers']);
    reports = await db
      .selectFrom('drift_reports')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('first_seen_at')
      .execute();
    expect(reports.map((r) => r.occurrences)).toEqual([3, 1]);
    const drift = (await events(connectionId)).filter((e) => e.type === 'connector.drift_detected');
    expect(drift).toHaveLength(2);
    expect(JSON.stringify(drift.map((e) => e.payload))).not.toContain('Renamed Field');
    expect((await events(connectionId)).filter((e) => e.type === 'customer.created')).toHaveLength(2);
    const onStream = await published(connectionId);
    expect([...onStream.values()].filter((e) => e.type === 'connector.drift_detected')).toHaveLength(2);
  });

  it('reopens a drift report an integrator resolved when the same drift recurs (not a new kind: no second event)', async () => {
    const connectionId = await newConnection();
    const reports = new DriftReportRepository();
    const drift = {
      tenantId: TENANT,
      connectionId,
      vendor: 'servicetitan' as const,
      entity: 'job' as const,
      kind: 'wire_schema' as const,
      externalId: '9',
      raw: { id: 9, jobState: 'Open' },
      issues: [{ path: 'jobStatus', code: 'invalid_type', message: 'Required' }],
    };
    const first = await db.transaction().execute((trx) => reports.record(trx, drift));
    expect(first.firstSeen).toBe(true);
    await db
      .updateTable('drift_reports')
      .set({ resolved_at: new Date() })
      .where('id', '=', first.reportId)
      .execute();
    const again = await db
      .transaction()
      .execute((trx) => reports.record(trx, { ...drift, externalId: '10' }));
    expect(again).toEqual({ reportId: first.reportId, firstSeen: false });
    const row = await db
      .selectFrom('drift_reports')
      .select(['resolved_at', 'occurrences', 'external_id'])
      .where('id', '=', first.reportId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ resolved_at: null, occurrences: 2, external_id: '10' });
  });

  it('turns a vendor delete signal into <entity>.deleted with the last known object', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor();
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '50', name: 'Leaving Soon' });
    vendor.upsertCustomer({ id: '51' });
    const w = worker(vendor, sessions);
    await sync(w, connectionId, ['customers']);
    vendor.remove('customers', '50');
    await sync(w, connectionId, ['customers']);
    const deleted = (await events(connectionId)).filter((e) => e.type === 'customer.deleted');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.payload.data.object).toMatchObject({ externalId: '50', displayName: 'Leaving Soon' });
    const row = await db
      .selectFrom('customers')
      .select(['deleted_at', 'document'])
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', '50')
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    const eventsSoFar = (await events(connectionId)).length;
    // The vendor keeps sending the inactive record: re-reading it from the start is no change.
    await db
      .updateTable('sync_cursors')
      .set({ cursor: null })
      .where('connection_id', '=', connectionId)
      .where('entity_type', '=', 'customers')
      .execute();
    const [reread] = await sync(w, connectionId, ['customers']);
    expect(reread).toMatchObject({ outcome: 'caught_up', records: 2 });
    expect(await events(connectionId)).toHaveLength(eventsSoFar);
    const again = await db
      .selectFrom('customers')
      .select(['deleted_at', 'version'])
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', '50')
      .executeTakeFirstOrThrow();
    expect(again).toEqual({ deleted_at: row.deleted_at, version: 2 });
  });

  it('reads quarantined records again once the vendor sends them in a shape that fits, without re-announcing the rest', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['70', '71', '72']) vendor.upsertCustomer({ id });
    const w = worker(vendor, sessions, { driftRetryMs: 1 });
    await sync(w, connectionId, ['customers']);
    const before = (await events(connectionId)).length;

    // The vendor renames a field in its responses; 71 changes and 73 is new meanwhile: both drift.
    vendor.renameOnRead = { from: 'name', to: 'fullName' };
    vendor.upsertCustomer({ id: '71', city: 'Oakland' });
    vendor.upsertCustomer({ id: '73' });
    vendor.upsertCustomer({ id: '74' });
    await sync(w, connectionId, ['customers']);
    const stored = () =>
      db
        .selectFrom('customers')
        .select(['external_id', 'city'])
        .where('connection_id', '=', connectionId)
        .orderBy('external_id')
        .execute();
    expect(await stored()).toEqual([
      { external_id: '70', city: 'San Diego' },
      { external_id: '71', city: 'San Diego' },
      { external_id: '72', city: 'San Diego' },
    ]);
    expect((await cursor(connectionId, 'customers')).cursor).toMatchObject({
      driftFrom: { checkpoint: '3' },
    });
    // Still drifting: the re-read quarantines them again, stores nothing, announces nothing.
    await sync(w, connectionId, ['customers']);
    expect(await stored()).toHaveLength(3);

    // The vendor's shape is back; the records themselves did not change again, so only a re-read finds them.
    vendor.renameOnRead = undefined;
    await sync(w, connectionId, ['customers']);
    expect(await stored()).toEqual([
      { external_id: '70', city: 'San Diego' },
      { external_id: '71', city: 'Oakland' },
      { external_id: '72', city: 'San Diego' },
      { external_id: '73', city: 'San Diego' },
      { external_id: '74', city: 'San Diego' },
    ]);
    const fresh = (await events(connectionId)).slice(before).filter((e) => e.type.startsWith('customer.'));
    expect(fresh.map((e) => [e.type, e.payload.data.object?.externalId])).toEqual([
      ['customer.updated', '71'],
      ['customer.created', '73'],
      ['customer.created', '74'],
    ]);
    expect((await cursor(connectionId, 'customers')).cursor).toMatchObject({ driftFrom: null });
    // Caught up: the next run neither re-reads from the old checkpoint nor announces anything.
    const reads = vendor.calls.length;
    const announced = (await events(connectionId)).length;
    await sync(w, connectionId, ['customers']);
    expect(vendor.calls.slice(reads).map((c) => c.checkpoint)).toEqual(['6']);
    expect((await events(connectionId)).length).toBe(announced);
  });

  it('a reconciliation pass never tombstones a record it could only quarantine', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['80', '81', '82']) vendor.upsertJob({ id });
    const w = worker(vendor, sessions, { maxAttempts: 1, driftRetryMs: 3_600_000 });
    await sync(w, connectionId, ['jobs']);
    vendor.renameOnRead = { from: 'summary', to: 'title' };
    await sql`update sync_cursors set cursor = jsonb_set(cursor, '{reconciledAt}', '"2000-01-01T00:00:00.000Z"')
      where connection_id = ${connectionId} and entity_type = 'jobs'`.execute(db);
    const [pass] = await sync(w, connectionId, ['jobs']);
    expect(pass).toMatchObject({ outcome: 'caught_up' });
    expect((await cursor(connectionId, 'jobs')).cursor).toMatchObject({ pass: false });
    const live = await db
      .selectFrom('jobs')
      .select('external_id')
      .where('connection_id', '=', connectionId)
      .where('deleted_at', 'is', null)
      .orderBy('external_id')
      .execute();
    expect(live.map((r) => r.external_id)).toEqual(['80', '81', '82']);
    expect((await events(connectionId)).filter((e) => e.type === 'job.deleted')).toEqual([]);
  });

  it("never lets a second stream's lower generation stamp make a row look unseen to another stream's pass", async () => {
    // Jobber's clients stream carries properties that the properties stream reconciles: each counts its
    // passes on its own, so the two generations are unrelated numbers.
    const connectionId = await newConnection();
    const store = new CanonicalStoreRepository();
    const customer = mapCustomer(
      {
        id: '90',
        name: 'Shared',
        email: null,
        city: 'San Diego',
        active: true,
        modifiedOn: '2026-01-01T00:00:00Z',
      },
      connectionId,
      'servicetitan',
    );
    const record = {
      entity: 'customer' as const,
      externalId: '90',
      object: customer,
      raw: {},
      deleted: false,
    };
    const scope = (generation: number) => ({
      tenantId: TENANT,
      connectionId,
      vendor: 'servicetitan' as const,
      generation,
      now: new Date(),
    });
    const generation = async () =>
      (
        await db
          .selectFrom('customers')
          .select('sync_generation')
          .where('connection_id', '=', connectionId)
          .executeTakeFirstOrThrow()
      ).sync_generation;
    await db.transaction().execute((trx) => store.upsertPage(trx, scope(9), [record])); // the owner's pass 9 sees it
    await db.transaction().execute((trx) => store.upsertPage(trx, scope(5), [record])); // another stream, unchanged
    expect(await generation()).toBe('9');
    const changed = { ...record, object: { ...customer, displayName: 'Shared, renamed' } };
    await db.transaction().execute((trx) => store.upsertPage(trx, scope(5), [changed])); // another stream, changed
    expect(await generation()).toBe('9');
    const tombstones = await db
      .transaction()
      .execute((trx) => store.tombstoneUnseen(trx, scope(9), 'customer'));
    expect(tombstones).toEqual([]);
    // Stamped in the owner's count (StoreScope.generationOf), a row the other stream saw counts as seen
    // by the owner's pass in progress, and a later owner pass that does not see it still finds it gone.
    const owned = { ...scope(40), generationOf: new Map([['customer' as const, 10]]) };
    await db.transaction().execute((trx) => store.upsertPage(trx, owned, [record]));
    expect(await generation()).toBe('10');
    expect(
      await db.transaction().execute((trx) => store.tombstoneUnseen(trx, scope(10), 'customer')),
    ).toEqual([]);
    const gone = await db.transaction().execute((trx) => store.tombstoneUnseen(trx, scope(11), 'customer'));
    expect(gone.map((c) => describeChange(c.before, c.after, c.deleted)?.type)).toEqual(['customer.deleted']);
  });

  it('reconciles a stream without delete signals only after a complete pass', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['60', '61', '62', '63', '64']) vendor.upsertJob({ id });
    const w = worker(vendor, sessions, { maxAttempts: 1 });
    await sync(w, connectionId, ['jobs']);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({ sync_generation: '1' });

    vendor.remove('jobs', '62');
    await sync(w, connectionId, ['jobs']); // incremental: "not seen" is not "gone"
    const live = () =>
      db
        .selectFrom('jobs')
        .select('external_id')
        .where('connection_id', '=', connectionId)
        .where('deleted_at', 'is', null)
        .orderBy('external_id')
        .execute();
    expect((await live()).map((r) => r.external_id)).toEqual(['60', '61', '62', '63', '64']);

    // A reconciliation pass that fails after its first page deletes nothing.
    await sql`update sync_cursors set cursor = jsonb_set(cursor, '{reconciledAt}', '"2000-01-01T00:00:00.000Z"')
      where connection_id = ${connectionId} and entity_type = 'jobs'`.execute(db);
    vendor.failNext('jobs', null, { kind: 'unavailable', status: 503, message: 'scripted outage' });
    const [partial] = await sync(w, connectionId, ['jobs']);
    expect(partial).toMatchObject({ outcome: 'failed', pages: 1 });
    expect((await live()).map((r) => r.external_id)).toEqual(['60', '61', '62', '63', '64']);
    expect((await events(connectionId)).filter((e) => e.type === 'job.deleted')).toEqual([]);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({ sync_generation: '2' });

    // The pass resumes from its checkpoint, completes, and only then tombstones what it did not see.
    const [complete] = await sync(w, connectionId, ['jobs']);
    expect(complete?.outcome).toBe('caught_up');
    expect((await live()).map((r) => r.external_id)).toEqual(['60', '61', '63', '64']);
    const deleted = (await events(connectionId)).filter((e) => e.type === 'job.deleted');
    expect(deleted.map((e) => e.payload.data.object?.externalId)).toEqual(['62']);
    expect((await cursor(connectionId, 'jobs')).cursor).toMatchObject({ pass: false });
  });

  it('a requested reconciliation begins a pass before the interval, once, and the status shows it pending until a pass begun after it completes', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['70', '71', '72']) vendor.upsertJob({ id });
    const w = worker(vendor, sessions, { maxAttempts: 1 });
    const cursors = new SyncCursorRepository(db);
    await sync(w, connectionId, ['jobs']); // the backfill: a pass, generation 1
    const jobsStatus = async () =>
      (await cursors.statusOf(connectionId)).find((s) => s.stream === 'jobs')?.reconciliation;
    expect(await jobsStatus()).toMatchObject({ generation: 1, inProgress: false, requestedAt: null });

    vendor.remove('jobs', '71');
    // Within the 1 h reconcile interval an incremental run finds nothing to tombstone...
    await sync(w, connectionId, ['jobs']);
    expect((await events(connectionId)).filter((e) => e.type === 'job.deleted')).toEqual([]);
    // ...until a pass is requested: it is pending, and the stream is due at once.
    const [request] = await cursors.requestReconciliation(connectionId, ['jobs']);
    expect(request?.stream).toBe('jobs');
    expect(await jobsStatus()).toMatchObject({ requestPending: true, requestedAt: request?.requestedAt });
    expect((await cursor(connectionId, 'jobs')).next_run_at.getTime()).toBeLessThanOrEqual(Date.now());
    for (;;) {
      const runs = await w.scheduler.claimAndStart();
      if (runs.length === 0) break;
      await Promise.all(runs);
    }
    const deleted = (await events(connectionId)).filter((e) => e.type === 'job.deleted');
    expect(deleted.map((e) => e.payload.data.object?.externalId)).toEqual(['71']);
    const answered = await jobsStatus();
    expect(answered).toMatchObject({ generation: 2, inProgress: false, requestPending: false });
    expect(Date.parse(answered?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(request?.requestedAt ?? ''),
    );
    // Answered once: later runs within the interval begin no pass.
    await sync(w, connectionId, ['jobs']);
    expect(await jobsStatus()).toMatchObject({ generation: 2, requestPending: false });
  });

  it('while a reconciliation pass is in progress, a run first reads the changes since the incremental checkpoint; the pass still tombstones only what is gone', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['70', '71', '72', '73', '74', '75']) vendor.upsertJob({ id }); // changes 1…6
    const w = worker(vendor, sessions, { maxAttempts: 1 });
    await sync(w, connectionId, ['jobs']);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      sync_generation: '1',
      cursor: { checkpoint: '6', pass: false, incremental: null },
    });
    const row = (externalId: string) =>
      db
        .selectFrom('jobs')
        .select(['status', 'sync_generation', 'deleted_at'])
        .where('connection_id', '=', connectionId)
        .where('external_id', '=', externalId)
        .executeTakeFirstOrThrow();

    // A pass begins (the incremental checkpoint '6' kept apart), reads one page and is cut short.
    await sql`update sync_cursors set cursor = jsonb_set(cursor, '{reconciledAt}', '"2000-01-01T00:00:00.000Z"')
      where connection_id = ${connectionId} and entity_type = 'jobs'`.execute(db);
    vendor.failNext('jobs', null, null, { kind: 'unavailable', status: 503, message: 'scripted outage' });
    let from = vendor.calls.length;
    const [cut] = await sync(w, connectionId, ['jobs']);
    expect(cut).toMatchObject({ outcome: 'failed', pages: 2 });
    expect(vendor.calls.slice(from).map((c) => c.checkpoint)).toEqual(['6', null, '2']);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      sync_generation: '2',
      cursor: { checkpoint: '2', pass: true, incremental: { checkpoint: '6' } },
    });

    // Meanwhile at the vendor: a job the pass already read changes, one is created, one is deleted.
    vendor.upsertJob({ id: '71', status: 'Completed' }); // change 7
    vendor.upsertJob({ id: '76' }); // change 8
    vendor.remove('jobs', '73');
    vendor.failNext('jobs', null, { kind: 'unavailable', status: 503, message: 'scripted outage' });
    from = vendor.calls.length;
    const [fresh] = await sync(w, connectionId, ['jobs']);
    expect(fresh).toMatchObject({ outcome: 'failed', pages: 1 });
    expect(vendor.calls.slice(from).map((c) => c.checkpoint)).toEqual(['6', '2']);
    // Stored before the pass completes, stamped with the pass's generation (seen by it)...
    expect(await row('71')).toMatchObject({ status: 'completed', sync_generation: '2', deleted_at: null });
    expect(await row('76')).toMatchObject({ sync_generation: '2', deleted_at: null });
    // ...while what the pass has not completed cannot be taken for gone yet.
    expect(await row('73')).toMatchObject({ deleted_at: null });
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      sync_generation: '2',
      cursor: { checkpoint: '2', pass: true, incremental: { checkpoint: '8' } },
    });

    const [complete] = await sync(w, connectionId, ['jobs']);
    expect(complete?.outcome).toBe('caught_up');
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      sync_generation: '2',
      cursor: { checkpoint: '8', pass: false, incremental: null },
    });
    const live = await db
      .selectFrom('jobs')
      .select('external_id')
      .where('connection_id', '=', connectionId)
      .where('deleted_at', 'is', null)
      .orderBy('external_id')
      .execute();
    expect(live.map((r) => r.external_id)).toEqual(['70', '71', '72', '74', '75', '76']);
    const all = await events(connectionId);
    expect(all.map((e) => Number(e.sequence))).toEqual(all.map((_, i) => i + 1));
    const typesOf = (externalId: string) =>
      all.filter((e) => e.payload.data.object?.externalId === externalId).map((e) => e.type);
    // One event per real change: the pass read 71 and 76 again, equal, and announced nothing.
    expect(typesOf('71')).toEqual(['job.created', 'job.status_changed']);
    expect(typesOf('76')).toEqual(['job.created']);
    expect(typesOf('73')).toEqual(['job.created', 'job.deleted']);
    expect(all).toHaveLength(6 + 1 + 1 + 1);
  });

  it('within one long pass run, reads the changes since the incremental checkpoint again every stream interval', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (let id = 50; id < 60; id += 1) vendor.upsertJob({ id: String(id) }); // changes 1…10
    // The run's clock: every vendor read takes 0.6 s; the jobs stream's interval is 1 s.
    let clock = Date.now();
    const w = worker(
      vendor,
      sessions,
      { maxAttempts: 1, intervalOverrides: new Map([['jobs', 1_000]]) },
      { now: () => new Date(clock) },
    );
    await sync(w, connectionId, ['jobs']);
    await sql`update sync_cursors set cursor = jsonb_set(cursor, '{reconciledAt}', '"2000-01-01T00:00:00.000Z"')
      where connection_id = ${connectionId} and entity_type = 'jobs'`.execute(db);
    const stored51 = () =>
      db
        .selectFrom('jobs')
        .select('status')
        .where('connection_id', '=', connectionId)
        .where('external_id', '=', '51')
        .executeTakeFirstOrThrow();
    let atPassPage6: { status: string | null; pass: unknown } | undefined;
    vendor.beforeRead = async (call) => {
      clock += 600;
      // The pass's second page is being read: job 51, which its first page held, changes at the vendor.
      if (call.checkpoint === '2') vendor.upsertJob({ id: '51', status: 'Dispatched' }); // change 11
      // Page N+1 is read while page N commits, so the page before '6' (the pass's '4') is the one read
      // beside the commit of the incremental page holding 51: by the read of '6' that page is stored.
      if (call.checkpoint === '6') {
        const state = cursorStateSchema.parse((await cursor(connectionId, 'jobs')).cursor);
        atPassPage6 = { status: (await stored51()).status, pass: state.pass };
      }
    };
    const from = vendor.calls.length;
    const runs = await sync(w, connectionId, ['jobs']);
    vendor.beforeRead = undefined;
    expect(runs).toEqual([expect.objectContaining({ outcome: 'caught_up' })]);
    // incremental '10' (nothing new) → pass null, '2' → one interval: incremental '10' (51) → pass '4', '6'
    // → incremental '11' (nothing) → pass '8', '10' (51 again, equal) → caught up.
    expect(vendor.calls.slice(from).map((c) => c.checkpoint)).toEqual([
      '10',
      null,
      '2',
      '10',
      '4',
      '6',
      '11',
      '8',
      '10',
    ]);
    // The change was stored while the pass was still in progress, not at its end.
    expect(atPassPage6).toEqual({ status: 'dispatched', pass: true });
    const changes51 = (await events(connectionId)).filter((e) => e.payload.data.object?.externalId === '51');
    expect(changes51.map((e) => e.type)).toEqual(['job.created', 'job.status_changed']);
    expect(await cursor(connectionId, 'jobs')).toMatchObject({
      sync_generation: '2',
      cursor: { checkpoint: '11', pass: false, incremental: null },
    });
  });

  it('reads the next page while the page before it commits (one read ahead), and stores every page in order', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    for (let id = 80; id < 86; id += 1) vendor.upsertJob({ id: String(id) });
    const w = worker(vendor, new FakeSessionSource());
    const lock = sql`hashtextextended(${`fieldsync.extractor:${connectionId}`}, 0)`;
    let storedAtSecondRead: number | undefined;
    const runs = await db.connection().execute(async (conn) => {
      // The change log's per-connection lock, held here: the first page's commit waits on it, so only a
      // read ahead can reach the vendor for the second page while it does.
      await sql`select pg_advisory_lock(${lock})`.execute(conn);
      let held = true;
      const release = async (): Promise<void> => {
        if (!held) return;
        held = false;
        await sql`select pg_advisory_unlock(${lock})`.execute(conn);
      };
      // Without a read ahead the commit would wait for ever: let it go after a while, to fail, not hang.
      const giveUp = setTimeout(() => void release(), 5_000);
      vendor.beforeRead = async (call) => {
        if (call.stream !== 'jobs' || call.checkpoint !== '2' || storedAtSecondRead !== undefined) return;
        const rows = await db
          .selectFrom('jobs')
          .select('id')
          .where('connection_id', '=', connectionId)
          .execute();
        storedAtSecondRead = rows.length;
        await release();
      };
      try {
        return await sync(w, connectionId, ['jobs']);
      } finally {
        clearTimeout(giveUp);
        vendor.beforeRead = undefined;
        await release();
      }
    });
    // Every stream of the new connection ran (the others have nothing); the jobs backfill read 3 pages.
    expect(runs.every((r) => r.outcome === 'caught_up')).toBe(true);
    expect(storedAtSecondRead).toBe(0);
    const jobReads = vendor.calls.filter((c) => c.stream === 'jobs').map((c) => c.checkpoint);
    expect(jobReads.slice(0, 3)).toEqual([null, '2', '4']);
    const all = await events(connectionId);
    expect(all.map((e) => [Number(e.sequence), e.payload.data.object?.externalId])).toEqual(
      ['80', '81', '82', '83', '84', '85'].map((id, i) => [i + 1, id]),
    );
  });

  it('paces every request of a page, its follow-up lookups too, at the connection rate', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    vendor.requestsPerPage = 3;
    for (let id = 90; id < 94; id += 1) vendor.upsertJob({ id: String(id) });
    // 20 requests/s: one every 50 ms for the connection, whichever stream or page sends it.
    const w = worker(vendor, new FakeSessionSource(), { requestsPerSecond: 20 });
    await sync(w, connectionId, ['jobs']);
    const times = [...vendor.requestTimes].sort((a, b) => a - b);
    // customers (one page) and jobs (two pages, then caught up: three reads), three requests a read.
    expect(times.length).toBeGreaterThanOrEqual(9);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // Timers fire no earlier than asked (a millisecond of rounding allowed); a loaded machine only widens gaps.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(49);
  });

  it('on a 401 invalidates the session and retries once; a second 401 fails the run and records it', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor();
    const sessions = new FakeSessionSource();
    vendor.upsertCustomer({ id: '70' });
    const w = worker(vendor, sessions);
    await sync(w, connectionId, ['customers']);
    expect(sessions.invalidations).toEqual([]);

    vendor.upsertCustomer({ id: '71' });
    vendor.expireSessions(sessions);
    const [recovered] = await sync(w, connectionId, ['customers']);
    expect(recovered?.outcome).toBe('caught_up');
    expect(sessions.invalidations).toEqual([{ connectionId, reason: 'unauthorized', sessionVersion: 1 }]);
    expect(
      vendor.calls
        .filter((c) => c.connectionId === connectionId && c.stream === 'customers')
        .map((c) => c.sessionVersion),
    ).toEqual([1, 1, 2]);

    vendor.upsertCustomer({ id: '72' });
    vendor.rejectAllSessions = true;
    const [failed] = await sync(w, connectionId, ['customers']);
    expect(failed?.outcome).toBe('failed');
    expect(sessions.invalidations).toHaveLength(2);
    const row = await cursor(connectionId, 'customers');
    expect(row).toMatchObject({ lease_owner: null, lease_expires_at: null, consecutive_failures: 1 });
    expect(row.last_error).toMatch(/^unauthorized: /);
    expect((await events(connectionId)).map((e) => e.type)).toEqual(['customer.created', 'customer.created']);
  });

  it('gives up on a read the vendor never answers after EXTRACTOR_VENDOR_TIMEOUT per try, keeps nothing of it, and reads on once the vendor answers', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    const sessions = new FakeSessionSource();
    for (const id of ['90', '91', '92']) vendor.upsertCustomer({ id });
    vendor.hold();
    const w = worker(vendor, sessions, { vendorTimeoutMs: 200, maxAttempts: 2 });
    const started = Date.now();
    const [stuck] = await sync(w, connectionId, ['customers']);
    // Two tries of 200 ms each, not a run held open until the vendor answers.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stuck).toMatchObject({ outcome: 'failed', pages: 0, records: 0 });
    expect(String(stuck?.error?.message)).toMatch(
      /customers: unavailable after 2 attempts: no answer within 200 ms/,
    );
    expect(
      vendor.calls.filter((c) => c.connectionId === connectionId && c.stream === 'customers'),
    ).toHaveLength(2);
    const failed = await cursor(connectionId, 'customers');
    expect(failed.lease_owner).toBeNull();
    expect(failed.consecutive_failures).toBe(1);
    expect(failed.last_error).toMatch(/no answer within 200 ms/);
    expect(await events(connectionId)).toEqual([]);
    vendor.release();
    const [result] = await sync(w, connectionId, ['customers']);
    expect(result).toMatchObject({ outcome: 'caught_up', pages: 2, records: 3 });
    expect((await events(connectionId)).map((e) => e.type)).toEqual([
      'customer.created',
      'customer.created',
      'customer.created',
    ]);
  });

  it('waits out a 429 and backs off a 5xx, then completes with the same result', async () => {
    const connectionId = await newConnection();
    const vendor = new ScriptedVendor({ pageSize: 2 });
    vendor.reportTotal = true;
    const sessions = new FakeSessionSource();
    for (const id of ['80', '81', '82']) vendor.upsertCustomer({ id });
    vendor.failNext('customers', { kind: 'rate_limited', retryAfterMs: 50 }, null, {
      kind: 'unavailable',
      status: 502,
      message: 'bad gateway',
    });
    const w = worker(vendor, sessions);
    const [result] = await sync(w, connectionId, ['customers']);
    expect(result).toMatchObject({ outcome: 'caught_up', pages: 2, records: 3 });
    expect(
      vendor.calls.filter((c) => c.connectionId === connectionId && c.stream === 'customers'),
    ).toHaveLength(4);
    expect((await events(connectionId)).map((e) => e.type)).toEqual([
      'customer.created',
      'customer.created',
      'customer.created',
    ]);
  });
});
