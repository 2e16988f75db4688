/*
 * The REST API (apps/api, a process) over a canonical store of 1,000,000 jobs:
 * 1. The store: 900,000 jobs of the benchmarked tenant and 100,000 of another, 200 technicians (one per
 *    job, a second on one job in ten; --quick: 100,000 jobs, 20 technicians), six statuses, a year of schedule, 50,000 customers; loaded with one
 *    `insert … select from generate_series` with the jobs table's secondary indexes dropped, then rebuilt
 *    from the migrations' own definitions, then VACUUM ANALYZE.
 * 2. `GET /jobs?status=scheduled&technicianId=…&pageSize=50` (first page, counted) and its next page by the
 *    opaque `cursor` (not counted), each for a fixed time at 50 concurrent connections with autocannon
 *    (keep-alive, one API key, rate limit out of the way), after a warm-up: p50/p99 and requests/s; then
 *    the first page at 1 connection (the api's service time without queueing). Each run also reports
 *    what a request costs whatever else the machine runs: CPU ms of the api process and of its Postgres
 *    backends (/proc), and the statements they ran (pg_stat_database).
 * 3. The same list queries sent directly with pg (ResourceRepository.list, the SQL the api sends for
 *    these calls: the page and its count, one statement): one at a time, as psql would, and at 50
 *    concurrent.
 * 4. EXPLAIN (ANALYZE, BUFFERS) of those queries as captured from ResourceRepository, and of the page's
 *    related documents (RelatedDocuments: one `union all`), written to
 *    bench/results/api-explain.txt for docs/api.md.
 * Every figure is checked first: the page's items and total agree with a direct count, the cursor
 * page continues the first, and autocannon saw no error, timeout or non-2xx answer.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { JOB_STATUSES, exampleEntities } from '@fieldsync/canonical-model';
import { migrateToLatest, type DB } from '@fieldsync/persistence';
import { createScratchDatabase, freePort, spawnService, type SpawnedService } from '@fieldsync/testing';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench sends exactly the api's SQL (ResourceRepository); no library exposes it
import { ResourceRepository } from '../../apps/api/src/resources/resource.repository';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench sends exactly the api's SQL (RelatedDocuments); no library exposes it
import { RelatedDocuments } from '../../apps/api/src/resources/related-documents';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench sends exactly the api's SQL (ResourceRepository); no library exposes it
import { RESOURCES_BY_NAME } from '../../apps/api/src/resources/resource.registry';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench sends exactly the api's SQL (ResourceRepository); no library exposes it
import type { ListQuery } from '../../apps/api/src/resources/list-query.schema';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench sends exactly the api's SQL (ResourceRepository); no library exposes it
import { decodeCursor } from '../../apps/api/src/resources/list-cursor.util';
import { check, type BenchResult, type LatencySummary } from './bench.types';
import { ratePerSec, summarize } from './stats.util';

export interface ApiBenchOptions {
  /** The Postgres server (a scratch database of its own is made and dropped). */
  postgresUrl: string;
  natsUrl: string;
  /** The run's stream prefix (provisioned). */
  prefix: string;
  jobs: number;
  connections: number;
  durationSec: number;
  resultsDir: string;
  log: (line: string) => void;
}

const TENANT = 'tn_bench_api';
const OTHER = 'tn_bench_other';
const CONNECTION = 'con_bench_api';
const OTHER_CONNECTION = 'con_bench_other';
const CUSTOMERS = 50_000;
const TECHNICIAN = 'tch_bench_7';
const PAGE_SIZE = 50;

/** The jobs table's secondary indexes (not the constraints'): dropped for the load, rebuilt after. */
async function secondaryIndexes(
  db: Kysely<DB>,
): Promise<{ name: string; definition: string; statistics: { column: number; target: number }[] }[]> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = current_schema() and tablename = 'jobs'
      and indexname not in (select conname from pg_constraint where conrelid = 'jobs'::regclass)
    order by indexname`.execute(db);
  // what pg_indexes leaves out: a column's statistics target (`alter index … set statistics`)
  const { rows: targets } = await sql<{ name: string; column: number; target: number }>`
    select c.relname as name, a.attnum as column, a.attstattarget as target
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    where c.relname = any(${rows.map((r) => r.name)}) and a.attstattarget > 0`.execute(db);
  return rows.map((row) => ({
    ...row,
    statistics: targets.filter((t) => t.name === row.name).map(({ column, target }) => ({ column, target })),
  }));
}

/** 200 technicians for 1,000,000 jobs (5,000 jobs each): a smaller store keeps the same load per technician. */
const techniciansFor = (jobs: number): number => Math.max(10, Math.round(jobs / 5_000));

async function seed(db: Kysely<DB>, jobs: number, log: (line: string) => void): Promise<void> {
  const TECHNICIANS = techniciansFor(jobs);
  const examples = exampleEntities({ connectionId: CONNECTION, vendor: 'servicetitan' });
  await sql`insert into tenants (id, name) values (${TENANT}, 'bench api'), (${OTHER}, 'bench other')`.execute(
    db,
  );
  await sql`
    insert into connections (id, tenant_id, vendor, portal_url, username, status) values
      (${CONNECTION}, ${TENANT}, 'servicetitan', 'https://st.example.test', 'bench', 'active'),
      (${OTHER_CONNECTION}, ${OTHER}, 'servicetitan', 'https://st.example.test', 'other', 'active')`.execute(
    db,
  );
  const t0 = performance.now();
  await sql`
    insert into technicians (id, tenant_id, connection_id, vendor, external_id, status, display_name,
                             document, content_hash)
    select 'tch_bench_' || g, ${TENANT}, ${CONNECTION}, 'servicetitan', g::text, 'active', 'Tech ' || g,
           ${JSON.stringify(examples.technician)}::jsonb
             || jsonb_build_object('id', 'tch_bench_' || g, 'externalId', g::text, 'name', 'Tech ' || g),
           md5(g::text)
    from generate_series(0, ${TECHNICIANS - 1}) g`.execute(db);
  await sql`
    insert into customers (id, tenant_id, connection_id, vendor, external_id, status, display_name, city,
                           region, document, content_hash)
    select 'cus_bench_' || g, ${TENANT}, ${CONNECTION}, 'servicetitan', g::text, 'active', 'Customer ' || g,
           'Atlanta', 'GA',
           ${JSON.stringify(examples.customer)}::jsonb
             || jsonb_build_object('id', 'cus_bench_' || g, 'externalId', g::text, 'displayName', 'Customer ' || g),
           md5(g::text)
    from generate_series(0, ${CUSTOMERS - 1}) g`.execute(db);
  const indexes = await secondaryIndexes(db);
  for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(db);
  const tenantJobs = Math.round(jobs * 0.9);
  const iso = (column: string) =>
    sql.raw(`to_char((${column}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);
  await sql`
    insert into jobs (id, tenant_id, connection_id, vendor, external_id, status, vendor_status, customer_id,
                      number, scheduled_start, scheduled_end, technician_ids, city, region, total_minor,
                      currency, vendor_created_at, vendor_updated_at, document, content_hash, created_at,
                      updated_at)
    select id, tenant, connection, 'servicetitan', g::text, status, initcap(status), customer, g::text,
           scheduled, scheduled + interval '2 hours', technicians, 'Atlanta', 'GA', 45000, 'USD', updated,
           updated,
           ${JSON.stringify(examples.job)}::jsonb || jsonb_build_object(
             'id', id, 'externalId', g::text, 'connectionId', connection, 'number', g::text,
             'status', status, 'vendorStatus', initcap(status), 'customerId', customer,
             'technicianIds', to_jsonb(technicians), 'scheduledStart', ${iso('scheduled')},
             'scheduledEnd', ${iso("scheduled + interval '2 hours'")}, 'updatedAt', ${iso('updated')},
             'createdAt', ${iso('updated')}),
           md5(g::text), updated, updated
    from (
      select g,
             'job_bench_' || g as id,
             case when g <= ${tenantJobs} then ${TENANT} else ${OTHER} end as tenant,
             case when g <= ${tenantJobs} then ${CONNECTION} else ${OTHER_CONNECTION} end as connection,
             (${[...JOB_STATUSES]}::text[])[1 + abs(hashint4(g)) % ${JOB_STATUSES.length}] as status,
             'cus_bench_' || (abs(hashint4(g * 3 + 1)) % ${CUSTOMERS}) as customer,
             case when g % 10 = 0
               then array['tch_bench_' || (abs(hashint4(g * 5 + 2)) % ${TECHNICIANS}),
                          'tch_bench_' || (abs(hashint4(g * 7 + 3)) % ${TECHNICIANS})]
               else array['tch_bench_' || (abs(hashint4(g * 5 + 2)) % ${TECHNICIANS})]
             end as technicians,
             timestamptz '2026-01-01T00:00:00Z'
               + (abs(hashint4(g * 11 + 4)) % 31536000) * interval '1 second' as scheduled,
             timestamptz '2025-06-01T00:00:00Z'
               + (abs(hashint4(g * 13 + 5)) % 31536000) * interval '1 second' as updated
      from generate_series(1, ${jobs}) g
    ) rows`.execute(db);
  log(
    `store: ${jobs.toLocaleString('en-US')} jobs inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const t1 = performance.now();
  await sql`set maintenance_work_mem = '256MB'`.execute(db);
  for (const index of indexes) {
    await sql.raw(index.definition).execute(db);
    for (const { column, target } of index.statistics) {
      await sql.raw(`alter index ${index.name} alter column ${column} set statistics ${target}`).execute(db);
    }
  }
  await sql`vacuum analyze jobs`.execute(db);
  await sql`analyze technicians`.execute(db);
  await sql`analyze customers`.execute(db);
  log(
    `store: ${indexes.length} indexes of jobs rebuilt and analyzed in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
}

/** CPU time (user + system, ms) a process has used so far, from /proc (0 when it is gone or not Linux). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // fields after the command name: state is [0], utime [11], stime [12], in clock ticks (100/s)
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * What the api and its Postgres sessions spend per request, whatever else runs on the machine: CPU ms of
 * the api process and of the database's backends opened by the api (application_name `api`), and the
 * statements they ran (pg_stat_database's transactions: each statement of the api is its own).
 */
async function resourceMeter(
  db: Kysely<DB>,
  apiPid: number | undefined,
): Promise<() => Promise<{ apiCpuMs: number; postgresCpuMs: number; statements: number }>> {
  const backends = async (): Promise<number[]> =>
    (
      await sql<{ pid: number }>`
        select pid from pg_stat_activity where datname = current_database() and application_name = 'api'`.execute(
        db,
      )
    ).rows.map((row) => row.pid);
  const transactions = async (): Promise<number> => {
    // the counters are flushed by each backend at most once a second: wait, then read a fresh snapshot
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await sql`select pg_stat_clear_snapshot()`.execute(db);
    const { rows } = await sql<{ n: string }>`
      select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`.execute(
      db,
    );
    return Number(rows[0]?.n ?? 0);
  };
  const before = new Map((await backends()).map((pid) => [pid, cpuMsOf(pid)]));
  const apiBefore = cpuMsOf(apiPid);
  const transactionsBefore = await transactions();
  return async () => {
    const apiCpuMs = cpuMsOf(apiPid) - apiBefore;
    const pids = await backends();
    const postgresCpuMs = pids.reduce((sum, pid) => sum + cpuMsOf(pid) - (before.get(pid) ?? 0), 0);
    // the meter's own reads (two or three statements) are left in: noise under 0.01 per request
    return { apiCpuMs, postgresCpuMs, statements: (await transactions()) - transactionsBefore };
  };
}

interface Cannonade {
  latency: LatencySummary;
  requests: number;
  /** Average answer size (headers and body). */
  bytesPerAnswer: number;
  wallMs: number;
  checks: string[];
  /** Per request answered in the measured run. */
  perRequest: { apiCpuMs: number; postgresCpuMs: number; statements: number };
}

async function cannonade(
  url: string,
  key: string,
  connections: number,
  durationSec: number,
  label: string,
  meter: () => Promise<() => Promise<{ apiCpuMs: number; postgresCpuMs: number; statements: number }>>,
): Promise<Cannonade> {
  const errors = new Map<string, number>();
  const run = (duration: number): Promise<autocannon.Result> =>
    new Promise((resolve, reject) => {
      errors.clear();
      const instance = autocannon(
        { url, connections, duration, headers: { authorization: `Bearer ${key}` }, timeout: 10 },
        (error, result) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
      );
      instance.on('reqError', (error: Error) => {
        const code = (error as Error & { code?: string }).code ?? error.message;
        errors.set(code, (errors.get(code) ?? 0) + 1);
      });
    });
  await run(Math.max(2, Math.round(durationSec / 5))); // warm-up, discarded
  const read = await meter();
  const started = performance.now();
  const result = await run(durationSec);
  const wallMs = performance.now() - started;
  const used = await read();
  const per = (value: number): number => Math.round((value / Math.max(1, result.requests.total)) * 100) / 100;
  const checks = [
    check(result.errors === 0, `${label}: no connection error`, JSON.stringify([...errors])),
    check(result.timeouts === 0, `${label}: no timeout`, String(result.timeouts)),
    check(result.non2xx === 0, `${label}: every answer 2xx`, String(result.non2xx)),
    check(result.requests.total > 0, `${label}: requests made`),
  ];
  return {
    latency: {
      of: `${label}: request to last byte of the answer (autocannon, ${connections} connections)`,
      samples: result.requests.total,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    requests: result.requests.total,
    bytesPerAnswer: Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    wallMs,
    checks,
    perRequest: {
      apiCpuMs: per(used.apiCpuMs),
      postgresCpuMs: per(used.postgresCpuMs),
      statements: per(used.statements),
    },
  };
}

/** The list queries direct: sequential samples, then `concurrency` loops for `durationMs`. */
async function direct(
  repository: ResourceRepository,
  query: ListQuery,
  concurrency: number,
  durationMs: number,
): Promise<{ sequential: LatencySummary; concurrent: LatencySummary; count: number; wallMs: number }> {
  const jobs = RESOURCES_BY_NAME.get('jobs');
  if (!jobs) throw new Error('no jobs resource');
  const once = async (): Promise<number> => {
    const t = performance.now();
    const page = await repository.list(jobs, TENANT, query);
    if (page.documents.length !== PAGE_SIZE) throw new Error('short page');
    return performance.now() - t;
  };
  for (let i = 0; i < 20; i += 1) await once();
  const sequential = new Float64Array(200);
  for (let i = 0; i < sequential.length; i += 1) sequential[i] = await once();
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) samples.push(await once());
    }),
  );
  const wallMs = performance.now() - started;
  return {
    sequential: summarize(sequential, 'page + count, one at a time (as psql would)'),
    concurrent: summarize(Float64Array.from(samples), `page + count, ${concurrency} at a time`),
    count: samples.length,
    wallMs,
  };
}

export async function benchApi(options: ApiBenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const scratch = await createScratchDatabase(options.postgresUrl, 'fs_bench_api');
  const captured: CompiledQuery[] = [];
  let capturing = false;
  const pool = new pg.Pool({ connectionString: scratch.url, max: options.connections + 2 });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (capturing && event.level === 'query') captured.push(event.query);
    },
  });
  let api: SpawnedService | undefined;
  try {
    await migrateToLatest(db);
    await seed(db, options.jobs, log);
    const port = await freePort();
    const operator = `bench-${randomBytes(16).toString('hex')}`;
    api = spawnService('api', {
      DATABASE_URL: scratch.url,
      NATS_URL: options.natsUrl,
      FIELDSYNC_STREAM_PREFIX: options.prefix,
      FIELDSYNC_ADMIN_TOKEN: operator,
      API_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await api.waitReady(port, 60_000);
    const apiPid = api.child.pid;
    const base = `http://127.0.0.1:${port}`;
    const created = await fetch(`${base}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: TENANT, name: 'bench', scopes: ['read'] }),
    });
    const key = ((await created.json()) as { key?: string }).key;
    if (created.status !== 201 || key === undefined)
      throw new Error(`creating a key: HTTP ${created.status}`);

    const { rows } = await sql<{ total: string }>`
      select count(*) as total from jobs
      where tenant_id = ${TENANT} and status = 'scheduled' and technician_ids @> array[${TECHNICIAN}]::text[]`.execute(
      db,
    );
    const expected = Number(rows[0]?.total ?? 0);
    const firstPath = `/jobs?status=scheduled&technicianId=${TECHNICIAN}&pageSize=${PAGE_SIZE}`;
    const firstStarted = performance.now();
    const first = (await (
      await fetch(`${base}${firstPath}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: { jobId: string; status: string }[]; total: number; nextCursor: string | null };
    log(`first GET ${firstPath}: ${Math.round(performance.now() - firstStarted)} ms (cold)`);
    const pageChecks = [
      check(expected > PAGE_SIZE * 2, `the filter matches more than two pages (${expected} jobs)`),
      check(
        first.total === expected,
        'the first page’s total is the direct count',
        `${first.total} vs ${expected}`,
      ),
      check(
        first.items.length === PAGE_SIZE && first.items.every((j) => j.status === 'scheduled'),
        `the first page holds ${PAGE_SIZE} scheduled jobs`,
      ),
    ];
    const cursor = first.nextCursor ?? '';
    const cursorPath = `${firstPath}&cursor=${encodeURIComponent(cursor)}`;
    const second = (await (
      await fetch(`${base}${cursorPath}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: { jobId: string }[]; total: number | null };
    pageChecks.push(
      check(
        second.items.length === PAGE_SIZE &&
          second.total === null &&
          !second.items.some((j) => first.items.some((f) => f.jobId === j.jobId)),
        'the cursor page continues the first (50 other jobs, not counted)',
      ),
    );

    const repository = new ResourceRepository(db);
    const jobsResource = RESOURCES_BY_NAME.get('jobs');
    if (!jobsResource) throw new Error('no jobs resource');
    // EXPLAIN of exactly what ResourceRepository sends, before the load (written even if a run fails)
    const explained: string[] = [];
    for (const [name, query] of [
      [
        'first page: GET ' + firstPath,
        { status: 'scheduled', technicianId: TECHNICIAN, pageSize: PAGE_SIZE },
      ],
      [
        'cursor page: GET ' + firstPath + '&cursor=…',
        { status: 'scheduled', technicianId: TECHNICIAN, pageSize: PAGE_SIZE, cursor },
      ],
    ] as const) {
      captured.length = 0;
      capturing = true;
      // the page (with its count on a first page), then its related documents as the api projects them
      const listed = await repository.list(jobsResource, TENANT, query);
      await jobsResource.project(
        listed.documents.map((d) => d.document),
        new RelatedDocuments(db, TENANT),
      );
      capturing = false;
      for (const compiled of captured) {
        const plan = await pool.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${compiled.sql}`,
          [...compiled.parameters],
        );
        explained.push(
          `--- ${name}\n${compiled.sql.replace(/\s+/g, ' ').trim()}\n\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
        );
      }
    }
    mkdirSync(options.resultsDir, { recursive: true });
    const explainPath = join(options.resultsDir, 'api-explain.txt');
    writeFileSync(explainPath, explained.join('\n'));
    log(`EXPLAIN of the hot queries written to ${explainPath}`);
    const results: BenchResult[] = [];
    const params = {
      jobs: options.jobs,
      tenantJobs: Math.round(options.jobs * 0.9),
      matching: expected,
      connections: options.connections,
      durationSec: options.durationSec,
    };
    for (const [name, path, connections] of [
      ['first-page', firstPath, options.connections],
      ['cursor-page', cursorPath, options.connections],
      // one request at a time: the api's own service time, without queueing
      ['first-page', firstPath, 1],
    ] as const) {
      log(`autocannon: GET ${name} for ${options.durationSec} s at ${connections} connection(s) …`);
      const run = await cannonade(`${base}${path}`, key, connections, options.durationSec, name, () =>
        resourceMeter(db, apiPid),
      );
      log(
        `  ${run.requests} requests, p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms; per request: api ${run.perRequest.apiCpuMs} ms CPU, Postgres ${run.perRequest.postgresCpuMs} ms CPU, ${run.perRequest.statements} statements`,
      );
      results.push({
        id: `api.jobs.${name}.http${connections === 1 ? '-1conn' : ''}`,
        group: 'api',
        title: `GET ${path.replace(encodeURIComponent(cursor), '…')} (api process, ${connections} connection${connections === 1 ? '' : 's'})`,
        unit: 'ops',
        count: run.requests,
        wallMs: Math.round(run.wallMs),
        ratePerSec: ratePerSec(run.requests, run.wallMs),
        latencyMs: run.latency,
        params: {
          ...params,
          connections,
          bytesPerAnswer: run.bytesPerAnswer,
          apiCpuMsPerRequest: run.perRequest.apiCpuMs,
          postgresCpuMsPerRequest: run.perRequest.postgresCpuMs,
          statementsPerRequest: run.perRequest.statements,
        },
        checks: [...pageChecks, ...run.checks],
      });
    }

    const after = decodeCursor(cursor);
    check(after !== undefined, 'the cursor decodes');
    for (const [name, query] of [
      ['first-page', { status: 'scheduled', technicianId: TECHNICIAN, pageSize: PAGE_SIZE }],
      ['cursor-page', { status: 'scheduled', technicianId: TECHNICIAN, pageSize: PAGE_SIZE, cursor }],
    ] as const) {
      log(`pg direct: ${name} one at a time, then ${options.connections} at a time …`);
      const run = await direct(repository, query, options.connections, options.durationSec * 1000);
      results.push({
        id: `api.jobs.${name}.sql-sequential`,
        group: 'api',
        title: `the same ${name}'s SQL via pg, one at a time`,
        unit: 'ops',
        count: run.sequential.samples,
        wallMs: 0,
        ratePerSec: 0,
        latencyMs: run.sequential,
        params,
        checks: ['each answered a full page'],
      });
      results.push({
        id: `api.jobs.${name}.sql-concurrent`,
        group: 'api',
        title: `the same ${name}'s SQL via pg, ${options.connections} at a time`,
        unit: 'ops',
        count: run.count,
        wallMs: Math.round(run.wallMs),
        ratePerSec: ratePerSec(run.count, run.wallMs),
        latencyMs: run.concurrent,
        params,
        checks: ['each answered a full page'],
      });
    }

    return results;
  } finally {
    await api?.stop().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await scratch.drop().catch(() => undefined);
  }
}
