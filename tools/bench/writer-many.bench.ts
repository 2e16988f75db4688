/*
 * The writer with many connections (issue 17's "zero-latency vendor, ≥ 10 connections"): the same stack as
 * writer.bench.ts (sandbox, session manager, extractor and one writer, each a process), the sandbox with
 * SANDBOX_API_LIMITS=off and the writer's pacing at 1000 requests/s, and MANY.connections Jobber
 * connections, one per tenant (the office user of the sandbox's one Jobber account, password login: one
 * Chromium login each; the session manager allows one connection per tenant, portal and username). The writer runs with its
 * defaults (WRITER_CONCURRENCY 16, WRITER_CONNECTION_CONCURRENCY 8).
 *  1. burst: BURST `client.create` spread round robin over the connections, published at once: commands/s
 *     per replica, first publish → last result;
 *  2. paced: PACED_PER_SECOND `client.create` a second for PACED_SECONDS (round robin): the writer's own
 *     overhead `ms − vendorMs` when it is not saturated;
 *  3. every command of 1 and 2 sent again under its key (a new command id): each answered `replayed`,
 *     and the vendor then holds exactly one client per key.
 */
import { performance } from 'node:perf_hooks';
import { newCommandId, type CommandResult } from '@fieldsync/canonical-model';
import { commandSubject, resultsFilter } from '@fieldsync/messaging';
import { sql } from 'kysely';
import { check, type BenchResult } from './bench.types';
import { ratePerSec, summarize } from './stats.util';
import { writerLines, type WriterBenchOptions } from './writer.bench';
import { perCommand, type WriterSpend } from './writer-meter.util';
import { WRITER_BENCH_SANDBOX_SIZE, WriterBenchStack } from './writer-stack.util';

/** One Jobber connection per tenant (one connection per tenant, portal and username). */
const tenantOf = (i: number) => `tn_benchwm${i}`;
const SANDBOX_SIZE = WRITER_BENCH_SANDBOX_SIZE;
export const MANY = { connections: 10, burst: 600, pacedPerSecond: 50, pacedSeconds: 10 } as const;
const SETUP_LIMIT_MS = 180_000;
/** A writer that falls behind the paced schedule on a loaded machine still finishes (and is measured). */
const BATCH_LIMIT_MS = 180_000;

interface Envelope {
  commandId: string;
  idempotencyKey: string;
  tenantId: string;
  connectionId: string;
  type: 'client.create';
  requestedAt: string;
  payload: unknown;
}

export async function benchWriterMany(o: WriterBenchOptions): Promise<BenchResult[]> {
  const stack = await WriterBenchStack.open(
    o,
    { prefix: 'benchwm', database: 'fs_bench_wm', applicationName: 'fieldsync-bench-writer-many' },
    'off',
  );
  const { db, sandbox, manager, meter, arrived } = stack;
  const run = Date.now().toString(36);
  const connections = o.quick ? 3 : MANY.connections;
  const burstSize = o.quick ? 60 : MANY.burst;
  const pacedSeconds = o.quick ? 2 : MANY.pacedSeconds;
  try {
    const s0 = stack.startedAt;
    const jobber = sandbox.portal('jobber');
    const connectionIds: string[] = [];
    for (let i = 0; i < connections; i++) {
      await manager.admin('PUT', `/tenants/${tenantOf(i)}`, { name: `Bench writer, connection ${i}` });
      const created = await manager.admin('POST', '/connections', {
        tenantId: tenantOf(i),
        vendor: 'jobber',
        portalUrl: jobber.url,
        username: 'office@greenleaf-hvac.example',
        password: 'Sandbox!Office1',
      });
      connectionIds.push(created.id);
    }
    const extractor = await stack.startExtractor();
    // Every connection logged in and backfilled once: the writer then finds each one's session and role.
    for (;;) {
      const pending = await sql<{ n: number; done: number; connections: number }>`
        select count(*)::int as n, count(last_success_at)::int as done,
               count(distinct connection_id)::int as connections from sync_cursors`.execute(db);
      const cursors = pending.rows[0];
      if (cursors && cursors.connections === connections && cursors.n === cursors.done) break;
      if (performance.now() - s0 > SETUP_LIMIT_MS) {
        throw new Error(
          `${connections} connections were not backfilled in ${SETUP_LIMIT_MS} ms (${JSON.stringify(cursors)})\n${extractor.output().slice(-2_000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    o.log(
      `${connections} Jobber connections, sandbox size ${SANDBOX_SIZE}, all backfilled in ${((performance.now() - s0) / 1000).toFixed(1)} s`,
    );

    const writer = await stack.startWriter(1000);
    // Every tenant's results (the stream is this run's own).
    await stack.collectResults(resultsFilter());
    const publisher = stack.publisher();
    const clientName = (i: number) => `Bench Many ${run} ${i}`;
    const create = (i: number): Envelope => {
      const commandId = newCommandId();
      return {
        commandId,
        idempotencyKey: `bench-many-${run}-${i}`,
        tenantId: tenantOf(i % connectionIds.length),
        connectionId: connectionIds[i % connectionIds.length] as string,
        type: 'client.create',
        requestedAt: new Date().toISOString(),
        payload: {
          displayName: clientName(i),
          primaryContact: { name: clientName(i), email: `bench.many.${run}.${i}@example.com` },
          billingAddress: {
            line1: `${100 + i} Benchmark Way`,
            line2: null,
            city: 'San Diego',
            region: 'CA',
            postalCode: '92101',
            country: 'US',
            geo: null,
          },
        },
      };
    };
    const sent = new Map<string, number>();
    const publish = (c: Envelope) => {
      sent.set(c.commandId, performance.now());
      return publisher.publish(
        commandSubject({ tenantId: c.tenantId, connectionId: c.connectionId, type: c.type }),
        c,
        { msgId: c.commandId, tenantId: c.tenantId },
      );
    };
    const waitFor = async (label: string, commands: readonly Envelope[], t0: number) => {
      while (commands.some((c) => !arrived.has(c.commandId))) {
        if (performance.now() - t0 > BATCH_LIMIT_MS) {
          const missing = commands.filter((c) => !arrived.has(c.commandId)).length;
          throw new Error(
            `${label}: ${missing} of ${commands.length} results missing after ${BATCH_LIMIT_MS} ms\n${writer.output().slice(-3_000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const wallMs = Math.max(...commands.map((c) => arrived.get(c.commandId)?.at ?? NaN)) - t0;
      // The writer logs after publishing the result: give its stdout a moment to arrive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return wallMs;
    };

    // 1. burst
    const burst = Array.from({ length: burstSize }, (_, i) => create(i));
    const spent: WriterSpend[] = [await meter.read(writer.child.pid)];
    const b0 = performance.now();
    await Promise.all(burst.map(publish));
    const burstMs = await waitFor('burst', burst, b0);
    spent.push(await meter.read(writer.child.pid));
    const burstSpend = perCommand(spent[0] as WriterSpend, spent[1] as WriterSpend, burst.length);
    o.log(
      `many burst: ${burst.length} client.create over ${connections} connections in ${(burstMs / 1000).toFixed(1)} s; per command: writer CPU ${burstSpend.cpuMsPerCommand} ms, ${burstSpend.statementsPerCommand} statements, ${burstSpend.commitsPerCommand} commits`,
    );

    // 2. paced: one command every 1000 / PACED_PER_SECOND ms, on schedule (not after the previous result)
    const paced = Array.from({ length: MANY.pacedPerSecond * pacedSeconds }, (_, i) => create(burstSize + i));
    const p0 = performance.now();
    const published: Promise<unknown>[] = [];
    for (let i = 0; i < paced.length; i++) {
      const due = p0 + (i * 1000) / MANY.pacedPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      published.push(publish(paced[i] as Envelope));
    }
    await Promise.all(published);
    const pacedMs = await waitFor('paced', paced, p0);
    spent.push(await meter.read(writer.child.pid));
    const pacedSpend = perCommand(spent[1] as WriterSpend, spent[2] as WriterSpend, paced.length);
    o.log(
      `many paced: ${paced.length} client.create at ${MANY.pacedPerSecond}/s in ${(pacedMs / 1000).toFixed(1)} s; per command: writer CPU ${pacedSpend.cpuMsPerCommand} ms, ${pacedSpend.statementsPerCommand} statements, ${pacedSpend.commitsPerCommand} commits`,
    );

    // 3. every key again
    const all = [...burst, ...paced];
    const resent = all.map((c) => ({ ...c, commandId: newCommandId() }));
    const r0 = performance.now();
    await Promise.all(resent.map(publish));
    await waitFor('re-sent', resent, r0);
    const resentSpend = perCommand(
      spent[2] as WriterSpend,
      await meter.read(writer.child.pid),
      resent.length,
    );
    o.log(
      `many re-sent: ${resent.length} keys again; per command: writer CPU ${resentSpend.cpuMsPerCommand} ms, ${resentSpend.statementsPerCommand} statements`,
    );
    const truth = await sandbox.portal('jobber').control<{ data: unknown[] }>('GET', 'world/export/clients');
    const perIndex = new Map<number, number>();
    const pattern = new RegExp(`Bench Many ${run} (\\d+)\\b`);
    for (const row of truth.data) {
      const match = pattern.exec(JSON.stringify(row));
      if (match) perIndex.set(Number(match[1]), (perIndex.get(Number(match[1])) ?? 0) + 1);
    }

    const lines = writerLines(writer.output());
    const figures = (
      batch: 'burst' | 'paced',
      commands: readonly Envelope[],
      wallMs: number,
      title: string,
      spend: ReturnType<typeof perCommand>,
    ): BenchResult[] => {
      const results = commands.map((c) => arrived.get(c.commandId)?.result as CommandResult);
      const logged = commands.flatMap((c) => {
        const line = lines.succeeded.get(c.commandId);
        return line ? [line] : [];
      });
      const checks = [
        check(
          results.every((r) => r.status === 'succeeded' && r.replayed !== true),
          'every command succeeded (none replayed)',
          JSON.stringify(results.filter((r) => r.status !== 'succeeded').slice(0, 3)),
        ),
        check(stack.duplicates === 0, 'one result per command on FSM_RESULTS', String(stack.duplicates)),
        check(
          logged.length === commands.length,
          'one `command succeeded` line with ms and vendorMs per command',
          `${logged.length} of ${commands.length}`,
        ),
        check(
          logged.every((l) => Number.isFinite(l.vendorMs) && l.vendorMs > 0 && l.ms >= l.vendorMs),
          'every line has 0 < vendorMs ≤ ms',
        ),
        check(
          commands.every((c) => perIndex.get(Number(/(\d+)$/.exec(c.idempotencyKey)?.[1] ?? -1)) === 1) &&
            resent.every((c) => arrived.get(c.commandId)?.result.replayed === true),
          "the vendor holds exactly one client per key after every key was sent twice (the second answered 'replayed')",
          `${commands.length} keys; ${[...perIndex.values()].filter((n) => n !== 1).length} indexes without exactly one client; ${resent.filter((c) => arrived.get(c.commandId)?.result.replayed !== true).length} re-sent not replayed`,
        ),
      ];
      const latencies = Float64Array.from(
        commands.map((c) => (arrived.get(c.commandId)?.at ?? NaN) - (sent.get(c.commandId) ?? NaN)),
      );
      const params = {
        vendor: 'jobber',
        connections,
        commands: commands.length,
        mix: 'client.create',
        mode: 'many',
        sandboxApiLimits: 'off',
        writerRequestsPerSecond: 1000,
        writerConcurrency: 16,
        writerConnectionConcurrency: 8,
        ...(batch === 'paced' ? { publishedPerSecond: MANY.pacedPerSecond } : {}),
        ...spend,
      };
      const id = `writer.many.jobber.${batch}`;
      const base = { group: 'writer' as const, unit: 'ops' as const, count: commands.length, params, checks };
      const rate = ratePerSec(commands.length, wallMs);
      return [
        {
          ...base,
          id,
          title: `${title}: first publish → last result on FSM_RESULTS`,
          wallMs: Math.round(wallMs),
          ratePerSec: rate,
          latencyMs: summarize(latencies, 'publish of the command → its result on FSM_RESULTS'),
        },
        {
          ...base,
          id: `${id}.overhead`,
          title: `${title}: the writer's own time per command (its ms − vendorMs)`,
          wallMs: Math.round(wallMs),
          ratePerSec: rate,
          latencyMs: summarize(
            Float64Array.from(logged.map((l) => l.ms - l.vendorMs)),
            'writer log: ms − vendorMs',
          ),
        },
        {
          ...base,
          id: `${id}.vendor`,
          title: `${title}: time inside vendor calls per command (its vendorMs)`,
          wallMs: Math.round(wallMs),
          ratePerSec: rate,
          latencyMs: summarize(Float64Array.from(logged.map((l) => l.vendorMs)), 'writer log: vendorMs'),
        },
      ];
    };
    return [
      ...figures(
        'burst',
        burst,
        burstMs,
        `many: ${burst.length} client.create over ${connections} Jobber connections, all published at once`,
        burstSpend,
      ),
      ...figures(
        'paced',
        paced,
        pacedMs,
        `many: ${paced.length} client.create over ${connections} Jobber connections, published at ${MANY.pacedPerSecond}/s`,
        pacedSpend,
      ),
    ];
  } finally {
    await stack.close();
  }
}
