import { performance } from 'node:perf_hooks';
import {
  formatSequence,
  newEventId,
  stringifyEventPayload,
  type ChangeEvent,
} from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import { ChangeEventRepository, TenantRepository, type DB } from '@fieldsync/persistence';
import { sql, type Kysely, type Transaction } from 'kysely';
import { check, type BenchResult } from './bench.types';
import { BENCH_TENANT, BENCH_VENDOR, jobStatusChange, jsonBytes } from './fixtures.util';
import { ratePerSec, summarize } from './stats.util';

export interface OutboxBenchOptions {
  db: Kysely<DB>;
  batchSize: number;
  /** Transactions of the single writer. */
  singleTransactions: number;
  writers: number;
  /** Transactions of each concurrent writer. */
  transactionsPerWriter: number;
  runTimeoutMs: number;
  log: (line: string) => void;
}

const CONNECTION_FIELDS = { vendor: BENCH_VENDOR, portal_url: 'https://go.servicetitan.com' } as const;

/** An event to append: what the change log has built before it allocates the sequences. */
interface OutboxEvent {
  readonly id: string;
  readonly subject: string;
  readonly type: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly payload: ChangeEvent;
}

function outboxBatch(template: ChangeEvent, subject: string, size: number): OutboxEvent[] {
  return Array.from({ length: size }, () => {
    const id = newEventId();
    return {
      id,
      subject,
      type: template.type,
      entityType: 'job',
      entityId: template.subject,
      payload: { ...template, id },
    };
  });
}

/**
 * The change log's append (ChangeLog's private step after it built the events): the connection's next
 * sequences under its counter row, each written into its event's wire text, and the rows inserted.
 */
async function appendEvents(
  repo: ChangeEventRepository,
  trx: Transaction<DB>,
  tenantId: string,
  connectionId: string,
  events: readonly OutboxEvent[],
): Promise<{ sequence: string }[]> {
  const first = await repo.allocate(trx, tenantId, connectionId, events.length);
  const rows = events.map((e, i) => {
    const sequence = first + BigInt(i);
    return {
      ...e,
      tenantId,
      connectionId,
      sequence: sequence.toString(),
      payload: stringifyEventPayload({ ...e.payload, sequence: formatSequence(sequence) }),
    };
  });
  await repo.insert(trx, rows);
  return rows.map((r) => ({ sequence: r.sequence }));
}

interface WriterRun {
  readonly latencies: Float64Array;
  readonly sequences: string[][];
}

/** One writer: `transactions` transactions of `batchSize` events on one connection, one after another. */
async function runWriter(
  o: OutboxBenchOptions,
  repo: ChangeEventRepository,
  connectionId: string,
  transactions: number,
  deadline: number,
): Promise<WriterRun> {
  const { event } = jobStatusChange(connectionId, BENCH_TENANT);
  const subject = eventSubject({
    tenantId: BENCH_TENANT,
    vendor: BENCH_VENDOR,
    entity: 'job',
    action: 'status_changed',
  });
  const batches = Array.from({ length: transactions }, () => outboxBatch(event, subject, o.batchSize));
  const latencies = new Float64Array(transactions);
  const sequences: string[][] = [];
  for (const [i, batch] of batches.entries()) {
    if (performance.now() > deadline) throw new Error(`outbox run exceeded ${o.runTimeoutMs} ms`);
    const t0 = performance.now();
    const appended = await o.db
      .transaction()
      .execute((trx) => appendEvents(repo, trx, BENCH_TENANT, connectionId, batch));
    latencies[i] = performance.now() - t0;
    sequences.push(appended.map((a) => a.sequence));
  }
  return { latencies, sequences };
}

interface ConnectionTally {
  connection_id: string;
  n: number;
  min_seq: string;
  max_seq: string;
  distinct_seq: number;
  distinct_id: number;
  bad_payload_seq: number;
  last_sequence: string | null;
}

/** Gap-free, unique, and the CloudEvent `sequence` matches the column, for each connection, in the database. */
async function verifyConnections(
  db: Kysely<DB>,
  expected: ReadonlyMap<string, number>,
  runs: readonly WriterRun[],
): Promise<string[]> {
  const { rows } = await sql<ConnectionTally>`
    select e.connection_id,
           count(*)::int as n,
           min(e.sequence)::text as min_seq,
           max(e.sequence)::text as max_seq,
           count(distinct e.sequence)::int as distinct_seq,
           count(distinct e.id)::int as distinct_id,
           count(*) filter (where e.payload::jsonb->>'sequence' <> lpad(e.sequence::text, 16, '0'))::int as bad_payload_seq,
           max(s.last_sequence)::text as last_sequence
    from change_events e left join connection_sequences s on s.connection_id = e.connection_id
    where e.connection_id = any(${[...expected.keys()]})
    group by e.connection_id`.execute(db);
  const checks: string[] = [];
  const all =
    rows.length === expected.size &&
    rows.every((r) => {
      const n = expected.get(r.connection_id);
      return (
        r.n === n &&
        r.min_seq === '1' &&
        r.max_seq === String(n) &&
        r.distinct_seq === n &&
        r.distinct_id === n &&
        r.bad_payload_seq === 0 &&
        r.last_sequence === String(n)
      );
    });
  checks.push(
    check(
      all,
      'per connection in Postgres: rows = count, sequences 1..n gap-free and distinct, ids distinct, payload.sequence = column, counter = n',
      JSON.stringify(rows),
    ),
  );
  // What the append returned: consecutive within each transaction and across the writer's transactions.
  const returnedOk = runs.every((run) => run.sequences.flat().every((seq, i) => seq === String(i + 1)));
  checks.push(check(returnedOk, 'the append returned 1..n in order for each writer'));
  return checks;
}

/** 3. Outbox append: one writer, then `writers` concurrent writers on different connections. */
export async function benchOutbox(o: OutboxBenchOptions): Promise<BenchResult[]> {
  const repo = new ChangeEventRepository(o.db);
  await new TenantRepository(o.db).create({ id: BENCH_TENANT, name: 'Bench HVAC' });
  const connectionIds = Array.from({ length: o.writers + 1 }, (_, i) => `con_bench${i + 1}`);
  await o.db
    .insertInto('connections')
    .values(
      connectionIds.map((id, i) => ({
        id,
        tenant_id: BENCH_TENANT,
        ...CONNECTION_FIELDS,
        username: `ops${i}`,
      })),
    )
    .execute();
  const payloadBytes = jsonBytes(jobStatusChange('con_bench1').event);
  const results: BenchResult[] = [];

  // Warm-up: one transaction on a connection that is not measured (pool, plans, JIT).
  await o.db
    .transaction()
    .execute((trx) =>
      appendEvents(
        repo,
        trx,
        BENCH_TENANT,
        connectionIds[0] as string,
        outboxBatch(jobStatusChange('con_bench1').event, 'fsm.events.x.y.job.updated', 50),
      ),
    );
  await sql`delete from change_events`.execute(o.db);
  await sql`delete from connection_sequences`.execute(o.db);

  {
    const connectionId = connectionIds[0] as string;
    const started = performance.now();
    const run = await runWriter(o, repo, connectionId, o.singleTransactions, started + o.runTimeoutMs);
    const wallMs = performance.now() - started;
    const count = o.singleTransactions * o.batchSize;
    const checks = await verifyConnections(o.db, new Map([[connectionId, count]]), [run]);
    o.log(`outbox single writer: ${count} in ${wallMs.toFixed(0)} ms`);
    results.push({
      id: 'outbox.append.single',
      group: 'outbox',
      title: `outbox append (ChangeEventRepository.allocate + insert), ${o.batchSize} events per transaction, 1 writer`,
      unit: 'events',
      count,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(count, wallMs),
      latencyMs: summarize(run.latencies, `one transaction of ${o.batchSize} events (begin to commit)`),
      params: { batchSize: o.batchSize, transactions: o.singleTransactions, writers: 1, payloadBytes },
      checks,
    });
  }
  {
    const writerIds = connectionIds.slice(1);
    const started = performance.now();
    const runs = await Promise.all(
      writerIds.map((id) => runWriter(o, repo, id, o.transactionsPerWriter, started + o.runTimeoutMs)),
    );
    const wallMs = performance.now() - started;
    const perWriter = o.transactionsPerWriter * o.batchSize;
    const count = perWriter * writerIds.length;
    const checks = await verifyConnections(o.db, new Map(writerIds.map((id) => [id, perWriter])), runs);
    const latencies = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
    let offset = 0;
    for (const r of runs) {
      latencies.set(r.latencies, offset);
      offset += r.latencies.length;
    }
    o.log(`outbox ${writerIds.length} writers: ${count} in ${wallMs.toFixed(0)} ms`);
    results.push({
      id: `outbox.append.concurrent${writerIds.length}`,
      group: 'outbox',
      title: `outbox append (allocate + insert), ${o.batchSize} per transaction, ${writerIds.length} concurrent writers (own connections)`,
      unit: 'events',
      count,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(count, wallMs),
      latencyMs: summarize(latencies, `one transaction of ${o.batchSize} events (begin to commit)`),
      params: {
        batchSize: o.batchSize,
        transactionsPerWriter: o.transactionsPerWriter,
        writers: writerIds.length,
        payloadBytes,
      },
      checks,
    });
  }
  return results;
}
