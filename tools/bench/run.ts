/*
 * `npm run bench`: benchmarks of the foundation against real NATS JetStream and Postgres.
 *
 * 1. JetStream publish through JetStreamPublisher (windows 1, 100, 1000) and the duplicate-drop path.
 * 2. Consume + handle + ack through JetStreamServer (a Nest microservice with a no-op @EventPattern).
 * 3. Outbox append (ChangeEventRepository.allocate + insert, 500 events per transaction), 1 and 4 writers.
 * 4. Hot paths of the canonical model.
 * 5. The vendor sandbox's world: generating seeded businesses (10k, 100k records) and activity steps.
 * 6. The sandbox's ServiceTitan REST and Jobber GraphQL APIs: pages/s of paging and export on a 100k world.
 * 7. The session manager: login time per vendor through Chromium, and logins per connection over a long
 *    run with compressed session lifetimes (sessions.bench.ts).
 * 8. The webhook dispatcher (a process) delivering to a loopback Standard Webhooks receiver: deliveries/s
 *    against raw signed POSTs of the same client, and event → first attempt (webhooks.bench.ts).
 * 9. The extractor: store path vs raw COPY, OutboxRelay vs raw publish (extractor-store.bench.ts); the
 *    backfill of a 100k-record ServiceTitan tenant and sandbox change → FSM_EVENTS freshness, with the
 *    sandbox, session manager and extractor as processes (extractor-backfill.bench.ts).
 * 9b. The backfill of a Workiz and a Housecall Pro connection with the vendors' own rate limits on: records/s,
 *    the requests the vendor answered, their share of its budget and the 429s (vendor-backfill.bench.ts).
 * 10. The writer: commands/s, publish → result, and its own overhead on top of the vendor calls, with the
 *    sandbox, session manager, extractor and writer as processes (writer.bench.ts): once with the
 *    sandbox's API limits off and the writer's pacing at 1000/s (its own throughput), once with both at
 *    their defaults (what a real tenant gets).
 * 11. The REST API (a process) over 1,000,000 jobs: GET /jobs?status=scheduled&technicianId=…&pageSize=50
 *    and its cursor page at 50 concurrent connections (autocannon), against the same SQL sent directly
 *    with pg, and the EXPLAIN of those queries (api.bench.ts).
 * 12. Total Office Manager: pages/s and records/s of the scraping backfill, the connector's grid readers
 *    against the sandbox process (tom-scrape.bench.ts).
 *
 * Services come from @fieldsync/testing (NATS_URL / DATABASE_URL, else private servers on free
 * loopback ports). The run uses its own stream prefix and a scratch database, removes both, stops
 * what it started, and writes bench/results/<timestamp>.json and latest.json. Every benchmark checks
 * its own result (counts, sequences, duplicates) and the run fails instead of reporting a wrong
 * figure. `--quick` runs a tenth of the work (a smoke test of the bench itself; figures not quoted).
 * `--only <name>[,<name>]` runs some sections: canonical, world, sandbox-api, jetstream, outbox, sessions,
 * webhooks, extractor, vendor-backfill, writer, api, tom.
 */
import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  connectNats,
  parseStreamsConfig,
  StreamKinds,
  StreamProvisioner,
  streamName,
} from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import {
  createScratchDatabase,
  provideNats,
  providePostgres,
  uniqueStreamPrefix,
  type ProvidedService,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import type { BenchReport, BenchResult } from './bench.types';
import { benchApi } from './api.bench';
import { benchCanonical } from './canonical.bench';
import { benchExtractorBackfill } from './extractor-backfill.bench';
import { benchExtractorStore } from './extractor-store.bench';
import { benchConsume, benchPublish } from './jetstream.bench';
import { describeMachine, loadAverage } from './machine.util';
import { benchOutbox } from './outbox.bench';
import { benchJobberApi } from './jobber-api.bench';
import { benchServiceTitanApi } from './servicetitan-api.bench';
import { benchTomScrape } from './tom-scrape.bench';
import { benchSessions } from './sessions.bench';
import { benchWebhooks } from './webhooks.bench';
import { benchVendorBackfill } from './vendor-backfill.bench';
import { benchWorld } from './world.bench';
import { benchWriter } from './writer.bench';
import { formatTable, writeReport } from './report.util';

const ROOT = resolve(__dirname, '..', '..');
const RESULTS_DIR = resolve(ROOT, 'bench', 'results');
const SECTIONS = [
  'canonical',
  'world',
  'sandbox-api',
  'jetstream',
  'outbox',
  'sessions',
  'webhooks',
  'extractor',
  'vendor-backfill',
  'writer',
  'api',
  'tom',
] as const;
const onlyArg = process.argv[process.argv.indexOf('--only') + 1];
const only = process.argv.includes('--only') ? (onlyArg ?? '').split(',').filter(Boolean) : undefined;
const unknownSections = (only ?? []).filter((name) => !(SECTIONS as readonly string[]).includes(name));
if (only?.length === 0 || unknownSections.length > 0) {
  process.stderr.write(`--only takes a comma-separated list of: ${SECTIONS.join(', ')}\n`);
  process.exit(2);
}
const runs = (section: (typeof SECTIONS)[number]): boolean => only === undefined || only.includes(section);
/**
 * The foundation's benches stay under 5 minutes, the extractor's under 7 more, the vendor backfills'
 * and the writer's under 4 each, the api's under 6 (cleanup included); past this the watchdog cleans up
 * and exits 1.
 */
const RUN_LIMIT_MS =
  300_000 +
  (runs('extractor') ? 420_000 : 0) +
  (runs('vendor-backfill') ? 240_000 : 0) +
  (runs('writer') ? 600_000 : 0) +
  (runs('api') ? 360_000 : 0);
const CLEANUP_LIMIT_MS = 10_000;
const quick = process.argv.includes('--quick');
const scale = (n: number): number => (quick ? Math.max(1, Math.round(n / 10)) : n);

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const log = (line: string): void => say(`  · ${line}`);

const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
/** Runs every registered cleanup (last registered first), each failure reported, the whole bounded. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const all = (async () => {
      for (const fn of cleanups.reverse()) {
        await fn().catch((err: unknown) =>
          say(`cleanup: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, CLEANUP_LIMIT_MS)))]);
    clearTimeout(timer);
  })();
  return cleaning;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  const loadAtStart = loadAverage();
  say(`fieldsync bench${quick ? ' (--quick: a tenth of the work, not for quoting)' : ''}`);
  if (only) say(`--only ${only.join(',')}`);

  const nats: ProvidedService = await provideNats({ log });
  cleanups.push(() => nats.dispose());
  const postgres: ProvidedService = await providePostgres({ log });
  cleanups.push(() => postgres.dispose());

  const prefix = uniqueStreamPrefix('bench');
  const nc: NatsConnection = await connectNats({
    servers: nats.url,
    name: 'fieldsync-bench',
    timeoutMs: 5_000,
  });
  cleanups.push(() => nc.drain());
  cleanups.push(async () => {
    const jsm = await jetstreamManager(nc);
    for (const kind of StreamKinds) await jsm.streams.delete(streamName(kind, prefix)).catch(() => false);
  });
  await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provisionOrThrow();
  log(`NATS ${nats.source} ${nats.url}, streams ${streamName('events', prefix)} …`);

  const scratch = await createScratchDatabase(postgres.url, 'fs_bench');
  const dbName = scratch.name;
  cleanups.push(() => scratch.drop());
  const db: Kysely<DB> = createDatabase({
    url: scratch.url,
    poolMax: 8,
    applicationName: 'fieldsync-bench',
  });
  cleanups.push(() => db.destroy());
  await migrateToLatest(db);
  log(`Postgres ${postgres.source}, scratch database ${dbName} migrated`);

  const machine = {
    ...(await describeMachine(nc, db, { nats: nats.source, postgres: postgres.source })),
    loadAverageAtStart: loadAtStart,
  };
  const results: BenchResult[] = [];

  if (runs('canonical')) {
    say('canonical model');
    results.push(
      ...benchCanonical({
        durationMs: quick ? 200 : 1_000,
        warmupMs: quick ? 50 : 300,
        maxIterations: 2_000_000,
        log,
      }),
    );
  }

  if (runs('world')) {
    say('vendor sandbox world');
    results.push(
      ...benchWorld({
        sizes: quick ? [1_000, 10_000] : [10_000, 100_000],
        activitySteps: scale(5_000),
        log,
      }),
    );
  }

  if (runs('sandbox-api')) {
    say('vendor sandbox APIs (pages/s through Fastify inject, rate limits off)');
    results.push(...(await benchServiceTitanApi(quick ? 10_000 : 100_000)));
    results.push(...(await benchJobberApi({ size: quick ? 10_000 : 100_000, log })));
  }

  if (runs('jetstream')) {
    say('JetStream');
    const js = {
      nc,
      natsUrl: nats.url,
      prefix,
      messages: scale(50_000),
      duplicates: scale(10_000),
      sequentialMessages: scale(2_000),
      consumeConcurrency: 64,
      runTimeoutMs: 30_000,
      log,
    };
    results.push(...(await benchPublish(js)));
    results.push(...(await benchConsume(js)));
  }

  if (runs('outbox')) {
    say('outbox');
    results.push(
      ...(await benchOutbox({
        db,
        batchSize: 500,
        singleTransactions: scale(40),
        writers: 4,
        transactionsPerWriter: scale(20),
        runTimeoutMs: 30_000,
        log,
      })),
    );
  }

  if (runs('sessions')) {
    say('session manager (Chromium logins against the sandbox)');
    results.push(
      ...(await benchSessions({
        databaseUrl: scratch.url,
        natsUrl: nats.url,
        prefix,
        loginSamples: quick ? 2 : 5,
        runMs: quick ? 25_000 : 60_000,
        log,
      })),
    );
  }

  if (runs('webhooks')) {
    say('webhook dispatcher (a process, default settings, loopback receiver)');
    results.push(
      ...(await benchWebhooks({
        databaseUrl: scratch.url,
        natsUrl: nats.url,
        nc,
        backlogEvents: scale(5_000),
        endpoints: 4,
        steadyEvents: quick ? 50 : 500,
        steadyRatePerSec: 50,
        runTimeoutMs: 60_000,
        log,
        // Profiling (docs/benchmarks.md "Webhook dispatcher"): e.g. `--cpu-prof --cpu-prof-dir=…`.
        dispatcherEnv: process.env['WEBHOOKS_BENCH_NODE_OPTIONS']
          ? { NODE_OPTIONS: process.env['WEBHOOKS_BENCH_NODE_OPTIONS'] }
          : undefined,
      })),
    );
  }

  if (runs('extractor')) {
    say('extractor: store path vs COPY, outbox relay vs raw publish');
    results.push(
      ...(await benchExtractorStore({
        postgresUrl: postgres.url,
        nc,
        records: scale(20_000),
        pageSize: 200,
        publishWindow: 500,
        runTimeoutMs: 120_000,
        log,
      })),
    );
    say('extractor: backfill and freshness (sandbox, session manager, extractor as processes)');
    results.push(
      ...(await benchExtractorBackfill({
        postgresUrl: postgres.url,
        natsUrl: nats.url,
        nc,
        quick,
        log,
      })),
    );
  }

  if (runs('vendor-backfill')) {
    say(
      'extractor: Workiz and Housecall Pro backfills with the vendors’ own limits on (requests, budget, 429s)',
    );
    results.push(
      ...(await benchVendorBackfill({ postgresUrl: postgres.url, natsUrl: nats.url, nc, quick, log })),
    );
  }

  if (runs('tom')) {
    say('Total Office Manager: the scraping backfill (the connector read side against the sandbox process)');
    results.push(...(await benchTomScrape({ size: quick ? 1_000 : 10_000, log })));
  }

  if (runs('writer')) {
    say(
      'writer: commands/s and its own overhead, vendor limits off then on (sandbox, session manager, extractor, writer as processes)',
    );
    results.push(...(await benchWriter({ postgresUrl: postgres.url, natsUrl: nats.url, nc, quick, log })));
  }

  if (runs('api')) {
    say('REST API over 1,000,000 jobs (the api as a process, autocannon) against the same SQL direct');
    results.push(
      ...(await benchApi({
        postgresUrl: postgres.url,
        natsUrl: nats.url,
        prefix,
        jobs: quick ? 100_000 : 1_000_000,
        connections: 50,
        durationSec: quick ? 3 : 15,
        // --quick figures are not quoted: its EXPLAIN goes to a temporary folder
        resultsDir: quick ? resolve(tmpdir(), 'fieldsync-bench') : RESULTS_DIR,
        log,
      })),
    );
  }

  await cleanup();
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    totalMs: Math.round(performance.now() - t0),
    machine,
    loadAverageAtEnd: loadAverage(),
    results,
  };
  say('');
  say(formatTable(results));
  say('');
  say(
    `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, nats-server ${machine.natsServer}, ` +
      `${machine.postgres.split(' on ')[0] ?? machine.postgres} (fsync ${machine.postgresSettings['fsync']}), commit ${machine.gitCommit.slice(0, 7)}${machine.gitDirty ? ' (dirty)' : ''}`,
  );
  say(
    `load average at start ${loadAtStart.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')} (2 cores: above 2 means other work competed)`,
  );
  if (quick) {
    say(`--quick: results not written (${report.totalMs} ms)`);
    return;
  }
  for (const path of writeReport(RESULTS_DIR, report)) say(`wrote ${path}`);
  say(`done in ${(report.totalMs / 1000).toFixed(1)} s`);
}

const watchdog = setTimeout(() => {
  say(`bench exceeded ${RUN_LIMIT_MS / 1000} s: cleaning up and exiting`);
  void cleanup().finally(() => process.exit(1));
}, RUN_LIMIT_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(0);
  },
  async (err: unknown) => {
    say(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  },
);
