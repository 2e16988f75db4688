/*
 * The extractor's write side against raw baselines, each pair measured in the same run:
 * 1. The store path: pages of canonical jobs through ChangeLog.record (page lock, content-hash upsert,
 *    one event per change with its allocated sequence, append, NOTIFY) in one transaction per page (what
 *    the extractor's PageStore does per page, minus the vendor read and the cursor row), against a raw COPY FROM STDIN (psql `\copy`) of
 *    the same rows, same column values, into a copy of the table (`LIKE jobs INCLUDING ALL` plus its
 *    foreign keys). A second pass of the same pages: every content hash matches, nothing is written.
 * 2. The outbox relay: the store pass's `job.created` events published by the real OutboxRelay (LISTEN
 *    loop, 500 a transaction) until every row is marked published and on the stream, against a raw
 *    async `js.publish` of the same payloads, subjects, headers and msg ids (500 in flight) to a stream
 *    of the same configuration.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { stringifyCanonical, type Job } from '@fieldsync/canonical-model';
import { OutboxRelay } from '@fieldsync/infrastructure';
import {
  buildHeaders,
  parseStreamsConfig,
  StreamKinds,
  StreamProvisioner,
  streamName,
  withPrefix,
} from '@fieldsync/messaging';
import {
  ChangeEventRepository,
  ChangeLog,
  createDatabase,
  migrateToLatest,
  TenantRepository,
  contentHash,
  projectColumns,
  type DB,
  type MappedRecord,
} from '@fieldsync/persistence';
import {
  canonicalFactory,
  createScratchDatabase,
  readStreamJson,
  uniqueStreamPrefix,
} from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { check, type BenchResult } from './bench.types';
import { jsonBytes } from './fixtures.util';
import { ratePerSec, summarize } from './stats.util';

export interface ExtractorStoreBenchOptions {
  /** The Postgres server: the bench makes (and drops) its own scratch database there. */
  postgresUrl: string;
  nc: NatsConnection;
  /** Canonical jobs stored (and then relayed as their `job.created` events). */
  records: number;
  /** Records per page (one transaction each). */
  pageSize: number;
  /** Raw publishes in flight (the relay awaits its 500 a batch together). */
  publishWindow: number;
  runTimeoutMs: number;
  log: (line: string) => void;
}

const TENANT = 'ten_benchex';
const CONNECTION = 'con_benchex1';
const WARMUP_CONNECTION = 'con_benchex0';
const RELAY_BATCH = 500;
/** The running relay's default window (OutboxRelayOptions.window). */
const RELAY_WINDOW = 4;
const STATUSES = [
  ['scheduled', 'Scheduled'],
  ['in_progress', 'Working'],
  ['scheduled', 'Dispatched'],
] as const;
const TITLES = [
  'No cooling',
  'Annual maintenance',
  'Water heater leak',
  'Furnace not igniting',
  'Duct cleaning',
];

/**
 * `count` realistic ServiceTitan jobs (1–4 line items, three statuses, technicians, distinct numbers and
 * times), each with a wire-shaped raw payload of what the vendor's export row carries.
 */
function jobRecords(connectionId: string, count: number, firstId = 500_000): MappedRecord[] {
  const factory = canonicalFactory({ tenantId: TENANT, connectionId, vendor: 'servicetitan' });
  return Array.from({ length: count }, (_, i) => {
    const externalId = String(firstId + i);
    const [status, vendorStatus] = STATUSES[i % STATUSES.length] ?? STATUSES[0];
    const day = 1 + (i % 28);
    const hour = 8 + (i % 9);
    const start = `2026-02-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
    const end = `2026-02-${String(day).padStart(2, '0')}T${String(hour + 2).padStart(2, '0')}:00:00Z`;
    const job: Job = factory.job({
      externalId,
      lineItemPrices: Array.from({ length: 1 + (i % 4) }, (_, k) => 89 + ((i * 37 + k * 113) % 900)),
      status,
      vendorStatus,
      title: TITLES[i % TITLES.length] ?? 'Service',
      customerId: factory.id('customer', String(10_000 + (i % 5_000))),
      locationId: factory.id('location', String(20_000 + (i % 6_000))),
      technicianIds: i % 3 === 0 ? [] : [factory.id('technician', String(70 + (i % 12)))],
      scheduledStart: start,
      scheduledEnd: end,
      updatedAt: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T12:${String(i % 60).padStart(2, '0')}:00Z`,
    });
    const raw = {
      id: Number(externalId),
      jobNumber: externalId,
      customerId: 10_000 + (i % 5_000),
      locationId: 20_000 + (i % 6_000),
      jobStatus: vendorStatus,
      completedOn: null,
      businessUnitId: 3,
      jobTypeId: 11,
      priority: 'Normal',
      campaignId: 41,
      summary: job.title,
      customFields: [],
      appointmentCount: 1,
      firstAppointmentId: 900_000 + i,
      lastAppointmentId: 900_000 + i,
      recallForId: null,
      warrantyId: null,
      noCharge: false,
      notificationsEnabled: true,
      createdOn: job.createdAt,
      createdById: 5,
      modifiedOn: job.updatedAt,
      tagTypeIds: [],
      active: true,
    };
    return { entity: 'job', externalId, object: job, raw, deleted: false };
  });
}

function pagesOf<T>(items: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages;
}

interface PassResult {
  readonly wallMs: number;
  readonly latencies: Float64Array;
  readonly created: number;
  readonly unchanged: number;
  readonly events: number;
}

/** Every page in its own transaction through the change log (as the extractor's PageStore). */
async function storePass(
  db: Kysely<DB>,
  connectionId: string,
  pages: readonly MappedRecord[][],
  deadline: number,
): Promise<PassResult> {
  const changeLog = new ChangeLog(db);
  const scope = {
    tenantId: TENANT,
    connectionId,
    vendor: 'servicetitan' as const,
    now: new Date('2026-01-29T00:00:00Z'),
  };
  const latencies = new Float64Array(pages.length);
  let created = 0;
  let unchanged = 0;
  let events = 0;
  const started = performance.now();
  for (const [i, page] of pages.entries()) {
    if (performance.now() > deadline) throw new Error('extractor store pass exceeded its time limit');
    const t0 = performance.now();
    const stored = await db
      .transaction()
      .execute((trx) => changeLog.record(trx, scope, page, { generation: 1 }));
    latencies[i] = performance.now() - t0;
    created += stored.created;
    unchanged += stored.unchanged;
    events += stored.events;
  }
  return { wallMs: performance.now() - started, latencies, created, unchanged, events };
}

const csvField = (value: string | null): string => (value === null ? '' : `"${value.replace(/"/g, '""')}"`);
const arrayLiteral = (values: readonly unknown[]): string =>
  `{${values.map((v) => `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/** The rows the store path wrote, rendered as CSV for COPY (same values: id, document, raw, hash, columns). */
function copyCsv(
  records: readonly MappedRecord[],
  columns: readonly string[],
  types: ReadonlyMap<string, string>,
): string {
  const lines: string[] = [];
  for (const record of records) {
    const object = record.object;
    const projected = projectColumns(record.entity, object);
    const values: Record<string, unknown> = {
      id: object.id,
      tenant_id: TENANT,
      connection_id: CONNECTION,
      vendor: 'servicetitan',
      external_id: record.externalId,
      document: stringifyCanonical(object),
      raw: JSON.stringify(record.raw),
      content_hash: contentHash(object),
      deleted_at: null,
      sync_generation: 1,
      ...projected,
    };
    lines.push(
      columns
        .map((column) => {
          const value = values[column];
          if (value === null || value === undefined) return csvField(null);
          if (types.get(column) === 'ARRAY') return csvField(arrayLiteral(value as unknown[]));
          return csvField(typeof value === 'string' ? value : JSON.stringify(value));
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** COPY FROM STDIN through psql's `\copy ... from pstdin` (client-side COPY; psql start-up included). */
function psqlCopy(url: string, table: string, columns: readonly string[], csv: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'psql',
      [
        url,
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy ${table} (${columns.join(', ')}) from pstdin with (format csv)`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql \\copy exited ${code}: ${stderr}`)),
    );
    child.stdin.end(csv);
  });
}

async function streamMessages(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(stream)).state.messages;
}

/**
 * What the relay put on a stream, read back in stream order: how many messages, how many distinct event
 * ids (a republish outside JetStream's dedupe would show as fewer), and the first place where a
 * connection's events are not in rising sequence order (undefined when every connection's are).
 */
async function streamOrder(
  nc: NatsConnection,
  stream: string,
): Promise<{ messages: number; distinct: number; outOfOrder: string | undefined }> {
  const events = await readStreamJson<{ id: string; connectionid?: string; sequence: string }>(nc, stream);
  const last = new Map<string, bigint>();
  let outOfOrder: string | undefined;
  for (const [index, event] of events.entries()) {
    const scope = event.connectionid ?? '(tenant)';
    const sequence = BigInt(event.sequence);
    const before = last.get(scope);
    if (outOfOrder === undefined && before !== undefined && sequence <= before) {
      outOfOrder = `${scope}: sequence ${sequence} after ${before} at stream message ${index + 1}`;
    }
    last.set(scope, sequence);
  }
  return { messages: events.length, distinct: new Set(events.map((e) => e.id)).size, outOfOrder };
}

async function waitUntil(condition: () => Promise<boolean>, deadline: number, what: string): Promise<void> {
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`extractor bench: ${what} not reached in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function benchExtractorStore(o: ExtractorStoreBenchOptions): Promise<BenchResult[]> {
  const scratch = await createScratchDatabase(o.postgresUrl, 'fs_bench_ex');
  const db = createDatabase({ url: scratch.url, poolMax: 4, applicationName: 'fieldsync-bench-extractor' });
  const relayPrefix = uniqueStreamPrefix('benchexr');
  const serialPrefix = uniqueStreamPrefix('benchexs');
  const rawPrefix = uniqueStreamPrefix('benchexp');
  const jsm = await jetstreamManager(o.nc);
  const deadline = performance.now() + o.runTimeoutMs;
  try {
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: TENANT, name: 'Bench extractor' });
    await db
      .insertInto('connections')
      .values(
        [WARMUP_CONNECTION, CONNECTION].map((id) => ({
          id,
          tenant_id: TENANT,
          vendor: 'servicetitan',
          portal_url: 'https://go.servicetitan.com',
          username: id,
        })),
      )
      .execute();
    for (const prefix of [relayPrefix, serialPrefix, rawPrefix]) {
      await new StreamProvisioner(o.nc, parseStreamsConfig({ prefix })).provisionOrThrow();
    }
    const results: BenchResult[] = [];
    const records = jobRecords(CONNECTION, o.records);
    const pages = pagesOf(records, o.pageSize);
    const documentBytes = Math.round(
      records.reduce((n, r) => n + jsonBytes(r.object), 0) / Math.max(1, records.length),
    );

    // Warm-up (pool, plans, JIT) on another connection; its rows and events leave before the relay run.
    await storePass(db, WARMUP_CONNECTION, [jobRecords(WARMUP_CONNECTION, o.pageSize, 100)], deadline);
    await sql`delete from change_events where connection_id = ${WARMUP_CONNECTION}`.execute(db);

    // 1a. the store path
    o.log(`store path: ${o.records} jobs in pages of ${o.pageSize}`);
    const first = await storePass(db, CONNECTION, pages, deadline);
    const counts = await sql<{ rows: number; max_version: number; events: number; created: number }>`
      select (select count(*)::int from jobs where connection_id = ${CONNECTION}) as rows,
             (select max(version)::int from jobs where connection_id = ${CONNECTION}) as max_version,
             (select count(*)::int from change_events where connection_id = ${CONNECTION}) as events,
             (select count(*)::int from change_events
                where connection_id = ${CONNECTION} and type = 'job.created') as created`.execute(db);
    const after = counts.rows[0];
    results.push({
      id: 'extractor.store.upsert',
      group: 'extractor',
      title: `store path: ChangeLog.record, ${o.pageSize} new jobs a transaction`,
      unit: 'records',
      count: o.records,
      wallMs: Math.round(first.wallMs),
      ratePerSec: ratePerSec(o.records, first.wallMs),
      latencyMs: summarize(first.latencies, `one page of ${o.pageSize} (begin to commit)`),
      params: { pageSize: o.pageSize, pages: pages.length, documentBytes },
      checks: [
        check(
          first.created === o.records && first.events === o.records,
          'every record created with one event',
          JSON.stringify(first),
        ),
        check(
          after?.rows === o.records && after.events === o.records && after.created === o.records,
          'in Postgres: one row and one job.created per record',
          JSON.stringify(after),
        ),
      ],
    });

    // 1b. the same rows, raw COPY into an equivalent table
    await sql`create table bench_copy_jobs (like jobs including all)`.execute(db);
    const fks = await sql<{ def: string }>`
      select pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'jobs'::regclass and contype = 'f'`.execute(db);
    for (const [i, fk] of fks.rows.entries()) {
      await sql`alter table bench_copy_jobs add constraint ${sql.raw(`bench_copy_jobs_fk${i}`)} ${sql.raw(fk.def)}`.execute(
        db,
      );
    }
    const typeRows = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns
      where table_name = 'jobs' and table_schema = current_schema()`.execute(db);
    const types = new Map(typeRows.rows.map((r) => [r.column_name, r.data_type]));
    const probe = records[0];
    if (!probe) throw new Error('no records');
    const columns = [
      'id',
      'tenant_id',
      'connection_id',
      'vendor',
      'external_id',
      'document',
      'raw',
      'content_hash',
      'deleted_at',
      'sync_generation',
      ...Object.keys(projectColumns('job', probe.object)),
    ];
    const csv = copyCsv(records, columns, types);
    o.log(
      `raw COPY: the same ${o.records} rows (${(csv.length / 1e6).toFixed(1)} MB of CSV) via psql \\copy`,
    );
    const c0 = performance.now();
    await psqlCopy(scratch.url, 'bench_copy_jobs', columns, csv);
    const copyMs = performance.now() - c0;
    const same = await sql<{ n: number; copied: number }>`
      select (select count(*)::int from jobs j join bench_copy_jobs c using (connection_id, external_id)
              where j.document = c.document and j.content_hash = c.content_hash and j.raw = c.raw
                and j.technician_ids = c.technician_ids and j.total_minor = c.total_minor) as n,
             (select count(*)::int from bench_copy_jobs) as copied`.execute(db);
    results.push({
      id: 'extractor.store.copy',
      group: 'extractor',
      title: 'raw COPY FROM STDIN (psql \\copy, CSV) of the same rows into LIKE jobs INCLUDING ALL + its FKs',
      unit: 'records',
      count: o.records,
      wallMs: Math.round(copyMs),
      ratePerSec: ratePerSec(o.records, copyMs),
      params: { csvBytes: csv.length, foreignKeys: fks.rows.length, renderedBeforeTiming: true },
      checks: [
        check(
          same.rows[0]?.copied === o.records && same.rows[0].n === o.records,
          'the copy holds every row with the same document, hash, raw and columns as the store',
          JSON.stringify(same.rows[0]),
        ),
      ],
    });

    // 1c. the same pages again: all unchanged, nothing written
    o.log('store path, second pass (all unchanged)');
    const second = await storePass(db, CONNECTION, pages, deadline);
    const again = await sql<{ max_version: number; events: number }>`
      select (select max(version)::int from jobs where connection_id = ${CONNECTION}) as max_version,
             (select count(*)::int from change_events where connection_id = ${CONNECTION}) as events`.execute(
      db,
    );
    results.push({
      id: 'extractor.store.unchanged',
      group: 'extractor',
      title: `store path, the same ${o.pageSize}-job pages again (content hash equal: nothing written)`,
      unit: 'records',
      count: o.records,
      wallMs: Math.round(second.wallMs),
      ratePerSec: ratePerSec(o.records, second.wallMs),
      latencyMs: summarize(second.latencies, `one page of ${o.pageSize} (begin to commit)`),
      params: { pageSize: o.pageSize, pages: pages.length },
      checks: [
        check(
          second.unchanged === o.records && second.events === 0,
          'every record unchanged, no event',
          JSON.stringify(second),
        ),
        check(
          again.rows[0]?.max_version === 1 && again.rows[0].events === o.records,
          'no row rewritten (version 1), no event appended',
          JSON.stringify(again.rows[0]),
        ),
      ],
    });

    // 2a. raw async publish of the outbox rows (same subjects, payload bytes, headers, msg ids)
    const rows = await db
      .selectFrom('change_events')
      .select(['id', 'subject', 'payload', 'tenant_id', 'connection_id'])
      .where('connection_id', '=', CONNECTION)
      .orderBy('sequence')
      .execute();
    const messages = rows.map((row) => ({
      subject: withPrefix(row.subject, rawPrefix),
      data: new TextEncoder().encode(
        typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload),
      ),
      msgId: row.id,
      headers: buildHeaders({
        msgId: row.id,
        tenantId: row.tenant_id,
        connectionId: row.connection_id ?? undefined,
      }),
    }));
    const payloadBytes = Math.round(
      messages.reduce((n, m) => n + m.data.length, 0) / Math.max(1, messages.length),
    );
    const js = jetstream(o.nc);
    const rawStream = streamName('events', rawPrefix);
    o.log(`raw publish: ${messages.length} events, ${o.publishWindow} in flight`);
    const acks: PubAck[] = [];
    let next = 0;
    const p0 = performance.now();
    await Promise.all(
      Array.from({ length: o.publishWindow }, async () => {
        while (next < messages.length) {
          const m = messages[next++];
          if (!m) break;
          acks.push(
            await js.publish(m.subject, m.data, {
              msgID: m.msgId,
              headers: m.headers,
              expect: { streamName: rawStream },
            }),
          );
        }
      }),
    );
    const publishMs = performance.now() - p0;
    const rawCount = await streamMessages(o.nc, rawStream);
    results.push({
      id: 'extractor.relay.raw-publish',
      group: 'extractor',
      title: `raw async js.publish of the same events (msg ids, headers), ${o.publishWindow} in flight`,
      unit: 'events',
      count: messages.length,
      wallMs: Math.round(publishMs),
      ratePerSec: ratePerSec(messages.length, publishMs),
      params: { window: o.publishWindow, payloadBytes },
      checks: [
        check(
          acks.length === messages.length && acks.every((a) => !a.duplicate && a.stream === rawStream),
          'every PubAck new and from the stream',
        ),
        check(rawCount === messages.length, 'the stream holds every event', String(rawCount)),
      ],
    });

    // 2b. the real relay (LISTEN loop) until every row is published and on its stream: once with one
    // batch in flight (publish, await every ack, mark, then read the next: the relay before the pipeline),
    // then as it runs (up to RELAY_WINDOW batches in flight), each to a stream of its own.
    const relayRun = async (
      prefix: string,
      window: number,
    ): Promise<{ ms: number; relayed: number; order: Awaited<ReturnType<typeof streamOrder>> }> => {
      await sql`update change_events set published_at = null`.execute(db);
      const stream = streamName('events', prefix);
      const relay = new OutboxRelay(
        db,
        o.nc,
        { databaseUrl: scratch.url, prefix, batchSize: RELAY_BATCH, window },
        new Registry(),
        new ChangeEventRepository(db),
      );
      o.log(`OutboxRelay, ${window} batch${window === 1 ? '' : 'es'} in flight: ${rows.length} events`);
      const r0 = performance.now();
      await relay.onApplicationBootstrap();
      try {
        await waitUntil(
          async () => {
            const left = await sql<{ n: number }>`
              select count(*)::int as n from change_events where published_at is null`.execute(db);
            return left.rows[0]?.n === 0 && (await streamMessages(o.nc, stream)) === rows.length;
          },
          deadline,
          'every outbox row published',
        );
      } finally {
        await relay.onApplicationShutdown();
      }
      const ms = performance.now() - r0;
      return { ms, relayed: await streamMessages(o.nc, stream), order: await streamOrder(o.nc, stream) };
    };
    const serial = await relayRun(serialPrefix, 1);
    const piped = await relayRun(relayPrefix, RELAY_WINDOW);
    for (const [id, run, window] of [
      ['extractor.relay.outbox.serial', serial, 1],
      ['extractor.relay.outbox', piped, RELAY_WINDOW],
    ] as const) {
      results.push({
        id,
        group: 'extractor',
        title: `OutboxRelay: change_events → FSM_EVENTS, ${RELAY_BATCH} a batch, ${window} in flight, until all marked published`,
        unit: 'events',
        count: rows.length,
        wallMs: Math.round(run.ms),
        ratePerSec: ratePerSec(rows.length, run.ms),
        params: { batchSize: RELAY_BATCH, window, payloadBytes },
        checks: [
          check(run.relayed === rows.length, 'the stream holds every event once', String(run.relayed)),
          check(
            run.order.messages === rows.length && run.order.distinct === rows.length,
            'read back, every event id once (nothing published twice)',
            JSON.stringify({ messages: run.order.messages, distinct: run.order.distinct }),
          ),
          check(
            run.order.outOfOrder === undefined,
            'each connection’s events reached the stream in sequence order',
            run.order.outOfOrder ?? '',
          ),
          check(
            rows.length === o.records,
            'the relay published the store pass’s events',
            String(rows.length),
          ),
        ],
      });
    }
    return results;
  } finally {
    for (const prefix of [relayPrefix, serialPrefix, rawPrefix]) {
      for (const kind of StreamKinds) await jsm.streams.delete(streamName(kind, prefix)).catch(() => false);
    }
    await db.destroy();
    await scratch.drop();
  }
}
