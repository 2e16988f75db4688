/*
 * The writer end to end, every part a process: the vendor sandbox (no faults, no latency), the session
 * manager (Chromium logins), the extractor (the store holds the customers, locations and jobs the
 * commands refer to) and one writer (WRITER_CONCURRENCY default 16). Two modes, each its own stack:
 *  - `unlimited`: the sandbox with SANDBOX_API_LIMITS=off and the writer with WRITER_REQUESTS_PER_SECOND
 *    1000: nothing but the writer (and the loopback sandbox) bounds the figures: its own throughput;
 *  - `limited`: the vendors' own limits (ServiceTitan 60 requests/s per tenant, shared with the extractor;
 *    Jobber 2,500 requests per 300 s and its cost bucket) and the writer's defaults (20 requests/s per
 *    connection): what one real tenant gets. Smaller batches (the pacing bounds them, not the writer).
 * Per vendor, two batches, each published at once and timed from the first publish to the last result on
 * FSM_RESULTS:
 *  1. `job.create`: new jobs with one appointment each (the sandbox's generated world holds almost no
 *     open jobs, so the jobs the next batch works on are made here, and timed too);
 *  2. `client.create` mixed with a `job.dispatch` (move the window) and then a `job.status.update`
 *     (completed) on each of those jobs: same-job commands run in order, other jobs never wait.
 * Then every client.create is sent again under its idempotency key (a new command id): a transiently
 * failed one completes now, a succeeded one is replayed; the vendor's ground truth must then hold exactly
 * one customer per key (no duplicate, none lost).
 * Figures: commands/s; publish → result p50/p99; and, from the writer's own `command succeeded` log
 * lines (`ms` its total, `vendorMs` the time inside vendor calls), the writer's overhead `ms - vendorMs`.
 */
import { performance } from 'node:perf_hooks';
import type { NatsConnection } from '@nats-io/transport-node';
import { newCommandId, type CommandResult, type CommandType } from '@fieldsync/canonical-model';
import { commandSubject, resultsFilter } from '@fieldsync/messaging';
import { userOf } from '@fieldsync/testing';
import { sql } from 'kysely';
import { check, type BenchResult } from './bench.types';
import { ratePerSec, summarize } from './stats.util';
import { benchWriterMany } from './writer-many.bench';
import { perCommand } from './writer-meter.util';
import { WRITER_BENCH_SANDBOX_SIZE, WriterBenchStack } from './writer-stack.util';

export interface WriterBenchOptions {
  postgresUrl: string;
  natsUrl: string;
  nc: NatsConnection;
  quick: boolean;
  log: (line: string) => void;
}

type BenchVendor = 'servicetitan' | 'jobber';
type BenchMode = 'unlimited' | 'limited';
const TENANT = 'tn_benchwr';
const SANDBOX_SIZE = WRITER_BENCH_SANDBOX_SIZE;
interface ModeSetup {
  /** The sandbox's SANDBOX_API_LIMITS. */
  readonly apiLimits: 'on' | 'off';
  /** The writer's WRITER_REQUESTS_PER_SECOND (per connection); 20 is its default. */
  readonly requestsPerSecond: number;
  /** Per vendor: client.create count and jobs (each: job.create, then job.dispatch + job.status.update). */
  readonly sizes: Record<BenchVendor, { clients: number; jobs: number }>;
}
const MODES: Record<BenchMode, ModeSetup> = {
  unlimited: {
    apiLimits: 'off',
    requestsPerSecond: 1000,
    sizes: { servicetitan: { clients: 300, jobs: 150 }, jobber: { clients: 300, jobs: 150 } },
  },
  limited: {
    apiLimits: 'on',
    requestsPerSecond: 20,
    sizes: { servicetitan: { clients: 60, jobs: 20 }, jobber: { clients: 40, jobs: 15 } },
  },
};
/** Backfilling the store before the writer starts is not measured: room for a loaded machine. */
const SETUP_LIMIT_MS = 180_000;
const BATCH_LIMIT_MS = 60_000;

interface Envelope {
  commandId: string;
  idempotencyKey: string;
  tenantId: string;
  connectionId: string;
  type: CommandType;
  requestedAt: string;
  payload: unknown;
}

/** One `command succeeded` line of the writer (pino JSON). */
interface SucceededLine {
  readonly commandId: string;
  readonly ms: number;
  readonly vendorMs: number;
}

export function writerLines(output: string): {
  succeeded: Map<string, SucceededLine>;
  postponed: Map<string, number>;
} {
  const succeeded = new Map<string, SucceededLine>();
  const postponed = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const commandId = entry['commandId'];
    if (typeof commandId !== 'string') continue;
    if (entry['msg'] === 'command succeeded' && typeof entry['ms'] === 'number') {
      succeeded.set(commandId, { commandId, ms: entry['ms'], vendorMs: Number(entry['vendorMs']) });
    } else if (entry['msg'] === 'command postponed' && entry['code'] === 'rate_limited') {
      postponed.set(commandId, (postponed.get(commandId) ?? 0) + 1);
    }
  }
  return { succeeded, postponed };
}

/** A failure the same key may be sent again for: the vendor's rate limit outlasted the deliveries. */
const transientlyFailed = (r: { result: CommandResult }): boolean =>
  r.result.status === 'failed' && r.result.error?.code === 'rate_limited';

const address = (n: number) => ({
  line1: `${100 + n} Benchmark Way`,
  line2: null,
  city: 'San Diego',
  region: 'CA',
  postalCode: '92101',
  country: 'US',
  geo: null,
});

export async function benchWriter(o: WriterBenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // WRITER_BENCH_MODES=unlimited,many (any of unlimited, limited, many) runs those modes only: for
  // profiling, not for the quoted figures.
  const only = process.env['WRITER_BENCH_MODES']?.split(',').map((m) => m.trim());
  for (const mode of ['unlimited', 'limited'] as const) {
    if (only && !only.includes(mode)) continue;
    o.log(
      `mode ${mode}: SANDBOX_API_LIMITS=${MODES[mode].apiLimits}, WRITER_REQUESTS_PER_SECOND=${MODES[mode].requestsPerSecond}`,
    );
    results.push(...(await benchMode(o, mode)));
  }
  if (!only || only.includes('many')) {
    o.log('mode many: SANDBOX_API_LIMITS=off, WRITER_REQUESTS_PER_SECOND=1000, many Jobber connections');
    results.push(...(await benchWriterMany(o)));
  }
  return results;
}

async function benchMode(o: WriterBenchOptions, mode: BenchMode): Promise<BenchResult[]> {
  const setup = MODES[mode];
  const stack = await WriterBenchStack.open(
    o,
    { prefix: 'benchwr', database: 'fs_bench_wr', applicationName: 'fieldsync-bench-writer' },
    setup.apiLimits,
  );
  const { db, sandbox, manager, meter, arrived } = stack;
  const run = `${Date.now().toString(36)}`;
  try {
    const s0 = stack.startedAt;
    await manager.admin('PUT', `/tenants/${TENANT}`, { name: 'Bench writer' });
    const st = sandbox.portal('servicetitan');
    const jobber = sandbox.portal('jobber');
    const connections: Record<BenchVendor, string> = {
      servicetitan: (
        await manager.admin('POST', '/connections', {
          tenantId: TENANT,
          vendor: 'servicetitan',
          portalUrl: st.url,
          username: 'st.admin',
          password: 'Sandbox!Admin1',
          mfa: { method: 'totp', secret: (await userOf(st, 'st.admin')).totpSecret },
        })
      ).id,
      jobber: (
        await manager.admin('POST', '/connections', {
          tenantId: TENANT,
          vendor: 'jobber',
          portalUrl: jobber.url,
          username: 'office@greenleaf-hvac.example',
          password: 'Sandbox!Office1',
        })
      ).id,
    };
    const extractor = await stack.startExtractor();

    // The commands refer to stored customers and locations: wait for both first passes.
    const locationsOf = async (vendor: BenchVendor) => {
      const rows = await sql<{ id: string; customer_id: string }>`
        select id, document->>'customerId' as customer_id from locations
        where connection_id = ${connections[vendor]} and deleted_at is null order by external_id`.execute(db);
      return rows.rows;
    };
    for (;;) {
      const pending = await sql<{ n: number; done: number }>`
        select count(*)::int as n, count(last_success_at)::int as done from sync_cursors`.execute(db);
      const cursors = pending.rows[0];
      const ready =
        cursors !== undefined &&
        cursors.n > 0 &&
        cursors.n === cursors.done &&
        (await locationsOf('servicetitan')).length > 0 &&
        (await locationsOf('jobber')).length > 0;
      if (ready) break;
      if (performance.now() - s0 > SETUP_LIMIT_MS) {
        throw new Error(
          `the store was not backfilled in ${SETUP_LIMIT_MS} ms (${JSON.stringify(cursors)})\n${extractor.output().slice(-2_000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    o.log(
      `sandbox size ${SANDBOX_SIZE}, both stores backfilled in ${((performance.now() - s0) / 1000).toFixed(1)} s`,
    );

    const writer = await stack.startWriter(setup.requestsPerSecond);
    await stack.collectResults(resultsFilter({ tenantId: TENANT }));
    const publisher = stack.publisher();
    const envelope = (vendor: BenchVendor, type: CommandType, payload: unknown): Envelope => {
      const commandId = newCommandId();
      return {
        commandId,
        idempotencyKey: `bench-${mode}-${run}-${commandId}`,
        tenantId: TENANT,
        connectionId: connections[vendor],
        type,
        requestedAt: new Date().toISOString(),
        payload,
      };
    };

    /** Publishes every command at once (in order: one connection keeps the stream order) and waits for all results. */
    const runBatch = async (label: string, commands: readonly Envelope[]) => {
      const sent = new Map<string, number>();
      const spentBefore = await meter.read(writer.child.pid);
      const t0 = performance.now();
      await Promise.all(
        commands.map((c) => {
          sent.set(c.commandId, performance.now());
          return publisher.publish(
            commandSubject({ tenantId: c.tenantId, connectionId: c.connectionId, type: c.type }),
            c,
            { msgId: c.commandId, tenantId: TENANT },
          );
        }),
      );
      const publishedMs = performance.now() - t0;
      while (commands.some((c) => !arrived.has(c.commandId))) {
        if (performance.now() - t0 > BATCH_LIMIT_MS) {
          const missing = commands.filter((c) => !arrived.has(c.commandId)).length;
          throw new Error(
            `${label}: ${missing} of ${commands.length} results missing after ${BATCH_LIMIT_MS} ms\n${writer.output().slice(-3_000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const results = commands.map((c) => arrived.get(c.commandId) as { at: number; result: CommandResult });
      const lastAt = Math.max(...results.map((r) => r.at));
      const wallMs = lastAt - t0;
      const latencies = Float64Array.from(
        commands.map((c) => (arrived.get(c.commandId)?.at ?? NaN) - (sent.get(c.commandId) ?? NaN)),
      );
      // The writer logs after publishing the result: give its stdout a moment to arrive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const spend = perCommand(spentBefore, await meter.read(writer.child.pid), commands.length);
      const lines = writerLines(writer.output());
      const logged = commands.flatMap((c) => {
        const line = lines.succeeded.get(c.commandId);
        return line ? [line] : [];
      });
      const rateLimited = commands.reduce((n, c) => n + (lines.postponed.get(c.commandId) ?? 0), 0);
      const notSucceeded = results.filter((r) => r.result.status !== 'succeeded');
      o.log(
        `${mode} ${label}: ${commands.length} commands in ${(wallMs / 1000).toFixed(1)} s (published in ${publishedMs.toFixed(0)} ms), ${rateLimited} postponed on a vendor 429; per command: writer CPU ${spend.cpuMsPerCommand} ms, ${spend.statementsPerCommand} statements, ${spend.commitsPerCommand} commits`,
      );
      return { results, wallMs, publishedMs, latencies, logged, rateLimited, notSucceeded, spend };
    };

    const figures = (
      vendor: BenchVendor,
      batch: string,
      title: string,
      commands: readonly Envelope[],
      b: Awaited<ReturnType<typeof runBatch>>,
      extraChecks: string[],
      extraParams: Record<string, number> = {},
    ): BenchResult[] => {
      const checks = [
        // Under the vendor's rate limit a command can spend its deliveries on 429s: it is answered
        // `failed` with `rate_limited` (counted below); any other outcome fails the run.
        check(
          b.notSucceeded.every(transientlyFailed),
          'every command succeeded or failed rate_limited (the vendor’s limit)',
          JSON.stringify(b.notSucceeded.slice(0, 3).map((r) => r.result)),
        ),
        check(stack.duplicates === 0, 'one result per command on FSM_RESULTS', String(stack.duplicates)),
        check(
          b.logged.length === commands.length - b.notSucceeded.length,
          'one `command succeeded` line with ms and vendorMs per succeeded command',
          `${b.logged.length} of ${commands.length - b.notSucceeded.length}`,
        ),
        check(
          b.logged.every((l) => Number.isFinite(l.vendorMs) && l.vendorMs > 0 && l.ms >= l.vendorMs),
          'every line has 0 < vendorMs ≤ ms',
        ),
        ...extraChecks,
      ];
      const mix = [...new Set(commands.map((c) => c.type))].join(' + ');
      const params = {
        vendor,
        commands: commands.length,
        mix,
        mode,
        sandboxApiLimits: setup.apiLimits,
        writerRequestsPerSecond: setup.requestsPerSecond,
        writerConcurrency: 16,
        sandboxSize: Number(SANDBOX_SIZE),
        rateLimitedNaks: b.rateLimited,
        failedRateLimited: b.notSucceeded.length,
        succeeded: commands.length - b.notSucceeded.length,
        ...extraParams,
        ...b.spend,
        publishMs: Math.round(b.publishedMs),
      };
      const id = `writer.${mode}.${vendor}.${batch}`;
      const base = { group: 'writer' as const, unit: 'ops' as const, count: commands.length, params, checks };
      const wallMs = Math.round(b.wallMs);
      const rate = ratePerSec(commands.length, b.wallMs);
      return [
        {
          ...base,
          id,
          title: `${title}: all published at once, first publish → last result on FSM_RESULTS`,
          wallMs,
          ratePerSec: rate,
          latencyMs: summarize(b.latencies, 'publish of the command → its result on FSM_RESULTS'),
        },
        {
          ...base,
          id: `${id}.overhead`,
          title: `${title}: the writer's own time per command (its ms − vendorMs)`,
          wallMs,
          ratePerSec: rate,
          latencyMs: summarize(
            Float64Array.from(b.logged.map((l) => l.ms - l.vendorMs)),
            'writer log: ms − vendorMs (key, store, conflict check, transaction, result publish)',
          ),
        },
        {
          ...base,
          id: `${id}.total`,
          title: `${title}: the writer's total per command (its ms)`,
          wallMs,
          ratePerSec: rate,
          latencyMs: summarize(Float64Array.from(b.logged.map((l) => l.ms)), 'writer log: ms'),
        },
        {
          ...base,
          id: `${id}.vendor`,
          title: `${title}: time inside vendor calls per command (its vendorMs)`,
          wallMs,
          ratePerSec: rate,
          latencyMs: summarize(Float64Array.from(b.logged.map((l) => l.vendorMs)), 'writer log: vendorMs'),
        },
      ];
    };

    const results: BenchResult[] = [];
    const start = Date.now() + 7 * 86_400_000;
    for (const vendor of ['servicetitan', 'jobber'] as const) {
      const full = setup.sizes[vendor];
      const size = o.quick
        ? { clients: Math.ceil(full.clients / 10), jobs: Math.ceil(full.jobs / 10) }
        : full;
      const locations = await locationsOf(vendor);
      const slot = (i: number, shift = 0) =>
        new Date(start + i * 3 * 3_600_000 + shift * 3_600_000).toISOString();

      // 1. the jobs the second batch dispatches and completes
      const creates = Array.from({ length: size.jobs }, (_, i) => {
        const location = locations[i % locations.length] as { id: string; customer_id: string };
        return envelope(vendor, 'job.create', {
          customerId: location.customer_id,
          locationId: location.id,
          title: `Bench job ${run} ${i}`,
          appointment: { scheduledStart: slot(i), durationMinutes: 60 },
        });
      });
      const created = await runBatch(`${vendor} job.create`, creates);
      results.push(
        ...figures(
          vendor,
          'job-create',
          `${mode} ${vendor}: ${size.jobs} job.create (one appointment each)`,
          creates,
          created,
          [],
        ),
      );
      const jobIds = created.results.flatMap((r) =>
        r.result.status === 'succeeded' ? [String(r.result.result?.['jobId'])] : [],
      );

      // 2. client.create mixed with dispatch → completed on each new job
      const truthKey = vendor === 'servicetitan' ? 'customers' : 'clients';
      const clientName = (i: number) => `Bench Client ${run} ${mode} ${vendor} ${i}`;
      /** The bench's customers at the vendor, by client.create index: more than one per index is a duplicate. */
      const benchCustomers = async (): Promise<Map<number, number>> => {
        const truth = await sandbox
          .portal(vendor)
          .control<{ data: unknown[] }>('GET', `world/export/${truthKey}`);
        const byIndex = new Map<number, number>();
        const pattern = new RegExp(`Bench Client ${run} ${mode} ${vendor} (\\d+)\\b`);
        for (const row of truth.data) {
          const match = pattern.exec(JSON.stringify(row));
          if (match) byIndex.set(Number(match[1]), (byIndex.get(Number(match[1])) ?? 0) + 1);
        }
        return byIndex;
      };
      const countOf = (byIndex: Map<number, number>) => [...byIndex.values()].reduce((a, b) => a + b, 0);
      const customersBefore = countOf(await benchCustomers());
      const mixed: Envelope[] = [];
      for (let i = 0; i < Math.max(size.clients, jobIds.length); i++) {
        if (i < size.clients) {
          mixed.push(
            envelope(vendor, 'client.create', {
              displayName: clientName(i),
              primaryContact: { name: clientName(i), email: `bench.${run}.${i}@example.com` },
              billingAddress: address(i),
            }),
          );
        }
        const jobId = jobIds[i];
        if (jobId !== undefined) {
          mixed.push(
            envelope(vendor, 'job.dispatch', {
              jobId,
              window: { scheduledStart: slot(i, 1), durationMinutes: 90 },
            }),
          );
          mixed.push(envelope(vendor, 'job.status.update', { jobId, status: 'completed' }));
        }
      }
      const batch = await runBatch(`${vendor} mixed`, mixed);
      const customersAfter = countOf(await benchCustomers());
      const clientsFailed = batch.notSucceeded.filter((r) => r.result.type === 'client.create').length;

      // The same keys once more: a transiently failed create completes now, a succeeded one is replayed.
      const clientCommands = mixed.filter((c) => c.type === 'client.create');
      const resent = clientCommands.map((c) => ({ ...c, commandId: newCommandId() }));
      const again = await runBatch(`${vendor} client.create re-sent under the same keys`, resent);
      const byIndexAfterResend = await benchCustomers();
      const resentSucceeded = again.results.filter((r) => r.result.status === 'succeeded').length;
      const resentReplayed = again.results.filter((r) => r.result.replayed === true).length;
      const succeededOf = (type: CommandType) =>
        batch.results.filter((r) => r.result.type === type && r.result.status === 'succeeded').length;
      const clientsSucceeded = succeededOf('client.create');
      const statusSucceeded = succeededOf('job.status.update');
      const completed = batch.results.filter(
        (r) => r.result.type === 'job.status.update' && r.result.result?.['status'] === 'completed',
      ).length;
      results.push(
        ...figures(
          vendor,
          'mixed',
          `${mode} ${vendor}: ${size.clients} client.create + ${jobIds.length} job.dispatch + ${jobIds.length} job.status.update`,
          mixed,
          batch,
          [
            check(
              customersBefore === 0 &&
                customersAfter >= clientsSucceeded &&
                customersAfter <= clientsSucceeded + clientsFailed,
              `the vendor's ground truth grew by the succeeded client.create count (plus at most the transiently failed ones)`,
              `${customersBefore} → ${customersAfter}: ${clientsSucceeded} succeeded, ${clientsFailed} failed`,
            ),
            check(
              again.results.every((r) => r.result.status === 'succeeded' || transientlyFailed(r)),
              'every client.create re-sent under its key succeeded (replayed or completed now) or failed rate_limited',
              JSON.stringify(again.notSucceeded.slice(0, 3).map((r) => r.result)),
            ),
            check(
              [...byIndexAfterResend.values()].every((n) => n === 1) &&
                countOf(byIndexAfterResend) <= clientCommands.length &&
                countOf(byIndexAfterResend) >= resentSucceeded,
              `after the re-send the vendor holds at most one ${vendor === 'servicetitan' ? 'customer' : 'client'} per idempotency key (no duplicate)`,
              `${countOf(byIndexAfterResend)} ${truthKey} for ${clientCommands.length} keys, ${resentSucceeded} re-sent succeeded (${resentReplayed} replayed)`,
            ),
            check(
              completed === statusSucceeded,
              'every succeeded job.status.update reports completed',
              `${completed} of ${statusSucceeded}`,
            ),
          ],
          {
            customersCreated: customersAfter,
            resentKeys: resent.length,
            resentReplayed,
            customersAfterResend: countOf(byIndexAfterResend),
          },
        ),
      );
    }
    return results;
  } finally {
    await stack.close();
  }
}
