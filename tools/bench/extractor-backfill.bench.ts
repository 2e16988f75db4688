/*
 * The extractor end to end, every part a process: the vendor sandbox, the session manager (Chromium
 * login, outbox relay to FSM_EVENTS) and the extractor, on a scratch database of their own.
 * 1. Backfill: a new ServiceTitan connection on a sandbox world of ≥ 100k records (SANDBOX_SIZE 125,000),
 *    from `POST /connections` until every stream's cursor has caught up once and every store table holds
 *    exactly the vendor's ground-truth count (`GET /__sandbox/world/export/:entity`, deleted and inactive
 *    rows included); then until the outbox is drained (every `<entity>.created` on FSM_EVENTS). Twice,
 *    each on a sandbox and an extractor of its own: (a) the vendor's limits off (`SANDBOX_API_LIMITS=off`)
 *    and the extractor's pacing lifted (`EXTRACTOR_REQUESTS_PER_SECOND=1000`), what the pipeline itself
 *    can do; (b) the vendor's real limits (60 requests/s per tenant) and the extractor's defaults, with the
 *    share of the vendor's allowance used and the requests answered 429 (`GET /__sandbox/requests`).
 * 2. Freshness: single appointment edits at the vendor (`POST world/burst {count: 1, entity:
 *    'appointment'}`, which sets its special instructions) at random wall times, each timed until its
 *    event arrives on FSM_EVENTS (an ordered consumer on the appointment subjects). The extractor keeps
 *    its default intervals (appointments and jobs every 15 s), so the poll interval dominates. (A job's
 *    bulk edit only moves modifiedOn, which is no change and announces nothing.)
 * Jobber is not measured: its GraphQL cost budget, not the extractor, bounds its backfill (docs/benchmarks.md).
 */
import { performance } from 'node:perf_hooks';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EntityType } from '@fieldsync/canonical-model';
import { StreamKinds, streamName, withPrefix } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import {
  createScratchDatabase,
  freePort,
  spawnService,
  startSandbox,
  uniqueStreamPrefix,
  userOf,
  type RunningSandbox,
  type SpawnedService,
  startSessionManager,
} from '@fieldsync/testing';
import { sql } from 'kysely';
import { entityTable } from '@fieldsync/persistence';
import { CONNECTORS } from '@fieldsync/connector-registry';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a type only: what the sandbox's GET /__sandbox/requests answers
import type { RequestCounts } from '../../apps/vendor-sandbox/src/portal/request-counters';
import { check, type BenchResult } from './bench.types';
import { ratePerSec, summarize } from './stats.util';

export interface ExtractorBackfillBenchOptions {
  postgresUrl: string;
  natsUrl: string;
  nc: NatsConnection;
  quick: boolean;
  log: (line: string) => void;
}

const TENANT = 'tn_benchbf';
/** The extractor's default for jobs and appointments (ServiceTitan readers' FAST interval). */
const DEFAULT_APPOINTMENTS_INTERVAL_MS = 15_000;
/** What the sandbox's bulk edit of an appointment writes into its special instructions. */
const EDIT_MARK = 'Gate code on file';
/**
 * Ground-truth exports of the ServiceTitan sandbox → the store entity their rows become. Assignments
 * are folded into their appointments, tag types into the jobs' tags, and employees are not read: none has
 * rows of its own.
 */
const SERVICETITAN_TRUTH: Readonly<Record<string, EntityType | null>> = {
  customers: 'customer',
  locations: 'location',
  contacts: 'contact',
  technicians: 'technician',
  employees: null,
  jobs: 'job',
  appointments: 'appointment',
  'appointment-assignments': null,
  estimates: 'estimate',
  invoices: 'invoice',
  payments: 'payment',
  services: 'pricebook_item',
  materials: 'pricebook_item',
  equipment: 'pricebook_item',
  memberships: 'membership',
  'installed-equipment': 'equipment',
  // The tenant's tag names, which jobs carry by id: read into the jobs' tags, no rows of their own.
  'tag-types': null,
};

async function groundTruth(sandbox: RunningSandbox): Promise<Map<EntityType, number>> {
  const portal = sandbox.portal('servicetitan');
  const world = await portal.control<{ entities: string[] }>('GET', 'world');
  const expected = new Map<EntityType, number>();
  for (const key of world.entities) {
    if (!(key in SERVICETITAN_TRUTH)) throw new Error(`the sandbox exports ${key}: map it to a store entity`);
    const entity = SERVICETITAN_TRUTH[key];
    if (!entity) continue;
    const { count } = await portal.control<{ count: number }>('GET', `world/export/${key}`);
    expected.set(entity, (expected.get(entity) ?? 0) + count);
  }
  return expected;
}

interface Progress {
  readonly cursors: number;
  readonly caughtUp: number;
  readonly stored: Map<EntityType, number>;
  readonly live: number;
  readonly unpublished: number;
  readonly created: number;
}

export async function benchExtractorBackfill(o: ExtractorBackfillBenchOptions): Promise<BenchResult[]> {
  const size = o.quick ? 3_000 : 125_000;
  const samples = o.quick ? 6 : 50;
  const windowMs = o.quick ? 6_000 : 60_000;
  const intervalMs = o.quick ? 2_000 : DEFAULT_APPOINTMENTS_INTERVAL_MS;
  const backfillLimitMs = o.quick ? 30_000 : 240_000;
  const prefix = uniqueStreamPrefix('benchbf');
  const scratch = await createScratchDatabase(o.postgresUrl, 'fs_bench_bf');
  const db = createDatabase({ url: scratch.url, poolMax: 2, applicationName: 'fieldsync-bench-backfill' });
  const sandboxes: RunningSandbox[] = [];
  const services: SpawnedService[] = [];
  let stopConsumer: (() => void) | undefined;
  try {
    await migrateToLatest(db);
    const common = {
      DATABASE_URL: scratch.url,
      NATS_URL: o.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const manager = await startSessionManager(common);
    services.push(manager.service);
    const call = manager.admin.bind(manager);
    await call('PUT', `/tenants/${TENANT}`, { name: 'Bench backfill' });
    const streams = CONNECTORS.get('servicetitan').readSide.streams.length;
    const results: BenchResult[] = [];

    /**
     * One backfill of a new connection on a fresh sandbox of `size`: the sandbox and an extractor of its
     * own (so the pacing under test is the only one), POST /connections → every store table equals the
     * vendor's ground truth, then → the outbox drained. Leaves the sandbox and extractor running.
     */
    const backfill = async (mode: {
      id: string;
      title: string;
      sandboxEnv: Record<string, string>;
      extractorEnv: Record<string, string>;
      /** The vendor's allowance per second over the run (its limits on), for the share of it used. */
      budgetPerSecond?: number;
    }): Promise<{ sandbox: RunningSandbox; extractor: SpawnedService; connectionId: string }> => {
      const s0 = performance.now();
      const box = await startSandbox({ SANDBOX_SIZE: String(size), SANDBOX_SEED: '11', ...mode.sandboxEnv });
      sandboxes.push(box);
      const expected = await groundTruth(box);
      const expectedTotal = [...expected.values()].reduce((a, b) => a + b, 0);
      o.log(
        `${mode.title}: sandbox size ${size}, ${expectedTotal} ServiceTitan records to store (${((performance.now() - s0) / 1000).toFixed(1)} s to start and export)`,
      );
      const exPort = await freePort();
      const extractor = spawnService('extractor', {
        ...common,
        PORT: String(exPort),
        // A new connection is picked up within a second instead of the default 30 s.
        EXTRACTOR_CONNECTIONS_REFRESH: '1s',
        ...(o.quick ? { EXTRACTOR_STREAM_INTERVALS: `appointments=${intervalMs}ms` } : {}),
        ...mode.extractorEnv,
      });
      services.push(extractor);
      await extractor.waitReady(exPort);
      const st = box.portal('servicetitan');
      await st.control('POST', 'reset');
      const totpSecret = (await userOf(st, 'st.admin')).totpSecret;
      const t0 = performance.now();
      const { id: connectionId } = await call('POST', '/connections', {
        tenantId: TENANT,
        vendor: 'servicetitan',
        portalUrl: st.url,
        username: 'st.admin',
        password: 'Sandbox!Admin1',
        mfa: { method: 'totp', secret: totpSecret },
      });
      const progress = async (): Promise<Progress> => {
        const cursors = await sql<{ n: number; done: number }>`
          select count(*)::int as n, count(last_success_at)::int as done
          from sync_cursors where connection_id = ${connectionId}`.execute(db);
        const stored = new Map<EntityType, number>();
        let live = 0;
        for (const entity of expected.keys()) {
          const { table } = entityTable(entity);
          const row = await sql<{ n: number; live: number }>`
            select count(*)::int as n, count(*) filter (where deleted_at is null)::int as live
            from ${sql.table(table)} where connection_id = ${connectionId}`.execute(db);
          stored.set(entity, row.rows[0]?.n ?? 0);
          live += row.rows[0]?.live ?? 0;
        }
        const outbox = await sql<{ unpublished: number; created: number }>`
          select count(*) filter (where published_at is null)::int as unpublished,
                 count(*) filter (where type like '%.created')::int as created
          from change_events where connection_id = ${connectionId}`.execute(db);
        return {
          cursors: cursors.rows[0]?.n ?? 0,
          caughtUp: cursors.rows[0]?.done ?? 0,
          stored,
          live,
          unpublished: outbox.rows[0]?.unpublished ?? 0,
          created: outbox.rows[0]?.created ?? 0,
        };
      };
      const storedTotal = (p: Progress): number => [...p.stored.values()].reduce((a, b) => a + b, 0);
      const complete = (p: Progress): boolean =>
        p.cursors === streams &&
        p.caughtUp === streams &&
        [...expected].every(([entity, n]) => p.stored.get(entity) === n);
      let last: Progress = await progress();
      let lastLog = performance.now();
      while (!complete(last)) {
        if (performance.now() - t0 > backfillLimitMs) {
          throw new Error(
            `backfill not complete in ${backfillLimitMs} ms: ${JSON.stringify({ ...last, stored: [...last.stored] })}, expected ${JSON.stringify([...expected])}\n${extractor.output().slice(-3_000)}`,
          );
        }
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          o.log(
            `backfill: ${storedTotal(last)}/${expectedTotal} stored, ${last.caughtUp}/${streams} streams caught up`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        last = await progress();
      }
      const storeMs = performance.now() - t0;
      const requests = await st.control<RequestCounts>('GET', 'requests');
      while (last.unpublished > 0 || last.created < last.live) {
        if (performance.now() - t0 > backfillLimitMs)
          throw new Error('the backfill’s events were not relayed in time');
        await new Promise((resolve) => setTimeout(resolve, 250));
        last = await progress();
      }
      const relayedMs = performance.now() - t0;
      const budgetShare =
        mode.budgetPerSecond === undefined
          ? undefined
          : requests.total / (mode.budgetPerSecond * (storeMs / 1000));
      const throttledShare = requests.total === 0 ? 0 : requests.rateLimited / requests.total;
      o.log(
        `backfill: ${expectedTotal} records stored in ${(storeMs / 1000).toFixed(1)} s, events relayed by ${(relayedMs / 1000).toFixed(1)} s; ${requests.total} requests (${ratePerSec(requests.total, storeMs).toFixed(1)}/s${budgetShare === undefined ? '' : `, ${(budgetShare * 100).toFixed(0)} % of the vendor's ${mode.budgetPerSecond}/s`}), ${requests.rateLimited} answered 429`,
      );
      const perEntity = [...expected].map(([entity, n]) => `${entity}=${n}`).join(' ');
      const backfillChecks = [
        check(
          o.quick || expectedTotal >= 100_000,
          'the tenant holds at least 100k records',
          String(expectedTotal),
        ),
        check(
          [...expected].every(([entity, n]) => last.stored.get(entity) === n),
          'every store table holds the vendor’s ground-truth count (deleted and inactive included)',
          perEntity,
        ),
        check(last.caughtUp === streams, `all ${streams} stream cursors caught up`),
        check(requests.total > 0, 'the sandbox counted the backfill’s requests', JSON.stringify(requests)),
      ];
      results.push({
        id: mode.id,
        group: 'extractor',
        title: `${mode.title}: backfill of a new ServiceTitan connection (${expectedTotal} records), POST /connections → store equals ground truth`,
        unit: 'records',
        count: expectedTotal,
        wallMs: Math.round(storeMs),
        ratePerSec: ratePerSec(expectedTotal, storeMs),
        params: {
          sandboxSize: size,
          streams,
          perEntity,
          connectionsRefreshMs: 1_000,
          sandboxEnv: JSON.stringify(mode.sandboxEnv),
          extractorEnv: JSON.stringify(mode.extractorEnv),
          requests: requests.total,
          requestsPerSec: Number(ratePerSec(requests.total, storeMs).toFixed(2)),
          ...(budgetShare === undefined
            ? {}
            : { vendorBudgetPerSec: mode.budgetPerSecond ?? 0, budgetShare: Number(budgetShare.toFixed(3)) }),
          answered429: requests.rateLimited,
          throttledShare: Number(throttledShare.toFixed(4)),
          answered5xx: requests.serverErrors,
        },
        checks: backfillChecks,
      });
      results.push({
        id: `${mode.id}.relayed`,
        group: 'extractor',
        title: `${mode.title}: the same backfill until every change event is on FSM_EVENTS (outbox drained)`,
        unit: 'records',
        count: expectedTotal,
        wallMs: Math.round(relayedMs),
        ratePerSec: ratePerSec(expectedTotal, relayedMs),
        params: { createdEvents: last.created, liveRecords: last.live },
        checks: [
          ...backfillChecks,
          check(
            last.created === last.live && last.unpublished === 0,
            'one <entity>.created per live record, every event published',
            JSON.stringify({ created: last.created, live: last.live, unpublished: last.unpublished }),
          ),
        ],
      });
      return { sandbox: box, extractor, connectionId };
    };

    // 1a. the vendor's limits off and the extractor's pacing lifted: what the pipeline itself can do
    const unlimited = await backfill({
      id: 'extractor.backfill.servicetitan.unlimited',
      title: 'vendor limits off, extractor pacing lifted',
      sandboxEnv: { SANDBOX_API_LIMITS: 'off' },
      extractorEnv: { EXTRACTOR_REQUESTS_PER_SECOND: '1000' },
    });
    await call('POST', `/connections/${unlimited.connectionId}/disable`, { reason: 'bench: next mode' });
    services.splice(services.indexOf(unlimited.extractor), 1);
    await unlimited.extractor.stop('SIGTERM');
    sandboxes.splice(sandboxes.indexOf(unlimited.sandbox), 1);
    await unlimited.sandbox.service.stop();

    // 1b. the vendor's real limits (60 requests/s per tenant) and the extractor's defaults
    const limited = await backfill({
      id: 'extractor.backfill.servicetitan',
      title: 'vendor limits on (60 requests/s), extractor defaults',
      sandboxEnv: {},
      extractorEnv: {},
      budgetPerSecond: 60,
    });
    const sandbox = limited.sandbox;
    const extractor = limited.extractor;
    const st = sandbox.portal('servicetitan');

    // 2. freshness: vendor change → event on FSM_EVENTS
    const stream = streamName('events', prefix);
    const consumer = await jetstream(o.nc).consumers.get(stream, {
      filter_subjects: withPrefix(`fsm.events.${TENANT}.servicetitan.appointment.>`, prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    stopConsumer = () => void messages.stop();
    /** Vendor modifiedOn (ms) → wall time its event arrived. */
    const arrived = new Map<number, number>();
    let repeated = 0;
    void (async () => {
      for await (const m of messages) {
        const at = performance.now();
        const event = m.json<{ data?: { object?: { updatedAt?: string } } }>();
        const modified = Date.parse(event.data?.object?.updatedAt ?? '');
        if (arrived.has(modified)) repeated += 1;
        else arrived.set(modified, at);
      }
    })();
    const offsets = Array.from({ length: samples }, () => Math.random() * windowMs).sort((a, b) => a - b);
    /** Vendor modifiedOn (ms) → wall time of the change. */
    const changed = new Map<number, number>();
    o.log(
      `freshness: ${samples} single appointment edits at random times over ${windowMs / 1000} s (appointments polled every ${intervalMs / 1000} s)`,
    );
    const f0 = performance.now();
    for (const offset of offsets) {
      const wait = f0 + offset - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      const res = await st.control<{ changes: number; at: string }>('POST', 'world/burst', {
        count: 1,
        entity: 'appointment',
      });
      check(res.changes === 1, 'the sandbox made one change', JSON.stringify(res));
      // The burst writes at the world clock's time, then moves the clock on by 1 ms and reports it.
      changed.set(Date.parse(res.at) - 1, sent);
    }
    // The edit sets the special instructions to "Gate code on file": an appointment picked twice changes
    // (meaningfully) once. The vendor's ground truth says how many changed: exactly that many events.
    const appointments = await st.control<{ data: { specialInstructions?: string | null }[] }>(
      'GET',
      'world/export/appointments',
    );
    const distinct = appointments.data.filter((a) => a.specialInstructions === EDIT_MARK).length;
    const freshDeadline = performance.now() + intervalMs * 2 + 15_000;
    while (arrived.size < distinct) {
      if (performance.now() > freshDeadline) {
        throw new Error(
          `freshness: ${arrived.size} of ${distinct} appointment changes reached FSM_EVENTS in time\n${extractor.output().slice(-2_000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const freshMs = performance.now() - f0;
    const matched = [...changed].filter(([k]) => arrived.has(k));
    const latencies = Float64Array.from(matched.map(([k, sentAt]) => (arrived.get(k) ?? NaN) - sentAt));
    results.push({
      id: 'extractor.freshness.servicetitan.appointment',
      group: 'extractor',
      title: `vendor appointment edit → its event on FSM_EVENTS, appointments polled every ${intervalMs / 1000} s`,
      unit: 'events',
      count: matched.length,
      wallMs: Math.round(freshMs),
      ratePerSec: ratePerSec(matched.length, freshMs),
      latencyMs: summarize(latencies, 'POST world/burst (one appointment edit) to its event on FSM_EVENTS'),
      params: {
        streamIntervalMs: intervalMs,
        windowMs,
        edits: samples,
        appointmentsEdited: distinct,
        extractorPollMs: 1_000,
      },
      checks: [
        check(
          matched.length === distinct && arrived.size === distinct,
          'one event per appointment the vendor changed, each matched to its edit by modifiedOn',
          JSON.stringify({ matched: matched.length, distinct, arrived: arrived.size }),
        ),
        check(repeated === 0, 'no change announced twice', String(repeated)),
        check(
          latencies.every((v) => Number.isFinite(v) && v >= 0),
          'every event arrived after its edit',
        ),
      ],
    });
    return results;
  } finally {
    stopConsumer?.();
    for (const service of services.reverse()) await service.stop('SIGTERM');
    for (const box of sandboxes) await box.service.stop();
    await db.destroy();
    await scratch.drop();
    const jsm = await jetstreamManager(o.nc);
    for (const kind of StreamKinds) await jsm.streams.delete(streamName(kind, prefix)).catch(() => false);
  }
}
