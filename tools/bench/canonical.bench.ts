import { performance } from 'node:perf_hooks';
import {
  buildChangeEvent,
  canonicalId,
  changeEventSchema,
  Money,
  parseCanonicalId,
  parseCommand,
  stringifyCanonical,
  newCommandId,
} from '@fieldsync/canonical-model';
import { check, type BenchResult } from './bench.types';
import { BENCH_TENANT, distinctEvents, jobStatusChange, jsonBytes } from './fixtures.util';
import { ratePerSec } from './stats.util';

export interface CanonicalBenchOptions {
  /** Measured time per operation (after the warm-up). */
  durationMs: number;
  warmupMs: number;
  /** Upper bound on iterations per operation, whatever the time. */
  maxIterations: number;
  log: (line: string) => void;
}

const BATCH = 256;

/**
 * Runs `op(i)` in batches until `durationMs` has passed or `maxIterations` were done; `op` returns a
 * number the caller folds into a checksum, so the work cannot be optimised away and is verified.
 */
function measure(
  o: CanonicalBenchOptions,
  op: (i: number) => number,
): { iterations: number; wallMs: number; checksum: number } {
  const warmEnd = performance.now() + o.warmupMs;
  for (let i = 0; performance.now() < warmEnd && i < o.maxIterations; i += BATCH) {
    for (let j = 0; j < BATCH; j++) op(i + j);
  }
  let checksum = 0;
  let iterations = 0;
  const started = performance.now();
  const end = started + o.durationMs;
  while (iterations < o.maxIterations && performance.now() < end) {
    for (let j = 0; j < BATCH; j++) checksum += op(iterations + j);
    iterations += BATCH;
  }
  return { iterations, wallMs: performance.now() - started, checksum };
}

function result(
  id: string,
  title: string,
  run: { iterations: number; wallMs: number },
  params: BenchResult['params'],
  checks: string[],
): BenchResult {
  return {
    id,
    group: 'canonical-model',
    title,
    unit: 'ops',
    count: run.iterations,
    wallMs: Math.round(run.wallMs),
    ratePerSec: ratePerSec(run.iterations, run.wallMs),
    params,
    checks,
  };
}

/** 4. Hot paths of @fieldsync/canonical-model, single-threaded. */
export function benchCanonical(o: CanonicalBenchOptions): BenchResult[] {
  const results: BenchResult[] = [];
  const connectionId = 'con_bench1';

  {
    const ids: string[] = [];
    const run = measure(o, (i) => {
      const id = canonicalId(connectionId, 'job', String(100_000 + i));
      if (ids.length <= i) ids.push(id);
      return id.length;
    });
    const measured = ids.slice(0, run.iterations);
    const checks = [
      check(run.checksum === run.iterations * 30, 'every id is job_ + 26 base32 characters'),
      check(
        new Set(measured).size === measured.length,
        'no two external ids share a canonical id',
        `${measured.length} ids`,
      ),
      check(
        measured.every((id, i) => i % 997 !== 0 || parseCanonicalId(id)?.entity === 'job'),
        'sampled ids parse back as job ids',
      ),
      check(
        canonicalId(connectionId, 'job', '100000') === measured[0],
        'deterministic: the same input gives the same id',
      ),
    ];
    o.log(`canonicalId: ${run.iterations} ops`);
    results.push(
      result('canonical.canonicalId', 'canonicalId(connection, entity, externalId)', run, {}, checks),
    );
  }
  {
    // A line: unit price "1403.505" (half-up to 1403.51) × 1.5 h = 2105.27, + 8.25 % tax 173.68, + $25 fee = 2303.95.
    const fee = Money.ofMinor(2500, 'USD');
    const op = (): number => {
      const line = Money.parse('1403.505', 'USD').multiply('1.5');
      return line.add(line.percentage('8.25')).add(fee).amountMinor;
    };
    const expected = op();
    const run = measure(o, op);
    const checks = [
      check(expected === 230395, 'the line total is 2303.95 USD', String(expected)),
      check(run.checksum === expected * run.iterations, 'every iteration computed the same total'),
    ];
    o.log(`Money: ${run.iterations} ops`);
    results.push(
      result(
        'canonical.money',
        'Money.parse + multiply + percentage + 2 × add (one invoice line)',
        run,
        { amount: '1403.505', quantity: '1.5', taxPercent: '8.25' },
        checks,
      ),
    );
  }
  const { before, after, event } = jobStatusChange(connectionId, BENCH_TENANT);
  const events = distinctEvents(event, 64);
  {
    const run = measure(o, (i) => {
      const e = events[i & 63] as (typeof events)[number];
      return changeEventSchema.parse(e).id === e.id ? 1 : 0;
    });
    const checks = [check(run.checksum === run.iterations, 'every parse succeeded and kept the id')];
    o.log(`changeEventSchema.parse: ${run.iterations} ops`);
    results.push(
      result(
        'canonical.changeEventSchema.parse',
        'changeEventSchema.parse of a job.status_changed CloudEvent',
        run,
        { eventBytes: jsonBytes(event) },
        checks,
      ),
    );
  }
  {
    const expectedLength = stringifyCanonical(event).length;
    const run = measure(o, (i) => stringifyCanonical(events[i & 63]).length);
    const roundTrip = JSON.parse(stringifyCanonical(event)) as {
      id: string;
      data: { object: { total: number } };
    };
    const checks = [
      check(run.checksum === expectedLength * run.iterations, 'every output has the expected length'),
      check(
        roundTrip.id === event.id && roundTrip.data.object.total === after.total,
        'output parses back to the same event',
      ),
    ];
    o.log(`stringifyCanonical: ${run.iterations} ops`);
    results.push(
      result(
        'canonical.stringifyCanonical',
        'stringifyCanonical of the same CloudEvent',
        run,
        { outputChars: expectedLength },
        checks,
      ),
    );
  }
  {
    let sequence = 0;
    const changed = event.data.changedFields.length;
    const run = measure(o, () => {
      const built = buildChangeEvent({
        tenantId: BENCH_TENANT,
        connectionId,
        vendor: 'servicetitan',
        sequence: ++sequence,
        before,
        after,
        time: '2026-01-12T10:00:01Z',
      });
      return built?.type === 'job.status_changed' && built.data.changedFields.length === changed ? 1 : 0;
    });
    const checks = [
      check(
        run.checksum === run.iterations,
        `every build gave job.status_changed with ${changed} changed fields`,
      ),
    ];
    o.log(`buildChangeEvent: ${run.iterations} ops`);
    results.push(
      result(
        'canonical.buildChangeEvent',
        'buildChangeEvent (diff + type + validate) of a job change',
        run,
        {},
        checks,
      ),
    );
  }
  {
    const command = {
      commandId: newCommandId(),
      idempotencyKey: 'idem-bench-1',
      tenantId: BENCH_TENANT,
      connectionId,
      type: 'job.status.update',
      payload: { jobId: before.id, status: 'completed' },
      requestedAt: '2026-01-12T10:00:00Z',
    };
    const run = measure(o, () => (parseCommand(command).ok ? 1 : 0));
    const rejected = parseCommand({ ...command, payload: { jobId: before.id, status: 'teleported' } });
    const checks = [
      check(run.checksum === run.iterations, 'every parse accepted the command'),
      check(!rejected.ok, 'an invalid status is rejected'),
    ];
    o.log(`parseCommand: ${run.iterations} ops`);
    results.push(result('canonical.parseCommand', 'parseCommand of job.status.update', run, {}, checks));
  }
  return results;
}
