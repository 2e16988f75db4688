/*
 * The backfill of a new Workiz, Housecall Pro and Jobber connection with the vendors' own rate limits on
 * (the sandbox's defaults: Workiz 200 API requests per rolling 10 s, Housecall Pro 300 a minute, Jobber
 * 2,500 requests per 5 minutes and its query-cost bucket of 10,000 points restoring 500/s), every
 * part a process (the sandbox, the session manager with Chromium, the extractor) on a scratch database:
 * from `POST /connections` until every stream's cursor has caught up once and the canonical store holds
 * exactly what the vendor's rows become (tools/demo's portalHoldings: the same count the demo's "N of N"
 * ends at). Beside the extractor's figure, what bounds it: the requests the vendor answered behind the
 * session (`GET /__sandbox/requests`), their share of what the vendor's limit allowed over the backfill
 * (its limit per window × the backfill's duration in windows, at least one) and how many were throttled
 * (429); for Jobber also the query cost its answers charged, as a share of what the bucket could give over
 * the run (full at the start, then restoring), and the answers refused as THROTTLED.
 */
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CONNECTORS } from '@fieldsync/connector-registry';
import type { Vendor } from '@fieldsync/canonical-model';
import { StreamKinds, streamName } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import {
  createScratchDatabase,
  freePort,
  spawnService,
  startSandbox,
  startSessionManager,
  uniqueStreamPrefix,
  type RunningSandbox,
  type SpawnedService,
} from '@fieldsync/testing';
import { sql } from 'kysely';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a type only: what the sandbox's GET /__sandbox/requests answers
import type { RequestCounts } from '../../apps/vendor-sandbox/src/portal/request-counters';
import { canonicalTables, portalHoldings, storedRows } from '../demo/demo-extractor';
import { check, type BenchResult } from './bench.types';
import { ratePerSec } from './stats.util';

export interface VendorBackfillBenchOptions {
  postgresUrl: string;
  natsUrl: string;
  nc: NatsConnection;
  quick: boolean;
  log: (line: string) => void;
}

const TENANT = 'tn_benchvb';

/** How each vendor is logged in, and its published (sandbox default) request budget. */
const VENDORS: readonly {
  vendor: Vendor;
  label: string;
  login: { username: string; password: string; mfa: Record<string, string> };
  /** Requests the vendor allows one account per window. */
  limit: number;
  windowMs: number;
  budget: string;
  /** A vendor that also budgets by query cost (Jobber's leaky bucket): what it holds and restores. */
  costBucket?: { maximumAvailable: number; restoreRate: number };
}[] = [
  {
    vendor: 'workiz',
    label: 'Workiz',
    login: {
      username: 'office@workiz.sandbox.example',
      password: 'Sandbox!Office1',
      mfa: { method: 'email', email: 'office@workiz.sandbox.example' },
    },
    limit: 200,
    windowMs: 10_000,
    budget: '200 requests per rolling 10 s',
  },
  {
    vendor: 'housecallpro',
    label: 'Housecall Pro',
    login: {
      username: 'owner@brightside-plumbing.example',
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: '+15555550401' },
    },
    limit: 300,
    windowMs: 60_000,
    budget: '300 requests a minute',
  },
  {
    // The sandbox's defaults (apps/vendor-sandbox/src/vendors/jobber: JOBBER_COST_BUCKET and the request
    // window), as vendors.md gives Jobber's: the query-cost bucket is what bounds a backfill.
    vendor: 'jobber',
    label: 'Jobber',
    login: {
      username: 'owner@greenleaf-hvac.example',
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: '+15555550201' },
    },
    limit: 2_500,
    windowMs: 300_000,
    budget: '2,500 requests per 5 minutes and a 10,000-point query-cost bucket restoring 500 points/s',
    costBucket: { maximumAvailable: 10_000, restoreRate: 500 },
  },
];

export async function benchVendorBackfill(o: VendorBackfillBenchOptions): Promise<BenchResult[]> {
  const size = o.quick ? 500 : 3_000;
  const limitMs = o.quick ? 120_000 : 600_000;
  const prefix = uniqueStreamPrefix('benchvb');
  const scratch = await createScratchDatabase(o.postgresUrl, 'fs_bench_vb');
  const db = createDatabase({ url: scratch.url, poolMax: 2, applicationName: 'fieldsync-bench-vendors' });
  let sandbox: RunningSandbox | undefined;
  const services: SpawnedService[] = [];
  const results: BenchResult[] = [];
  try {
    await migrateToLatest(db);
    const tables = await canonicalTables(db);
    // The vendors' own limits on (the sandbox's default): what a real tenant's backfill meets.
    sandbox = await startSandbox({ SANDBOX_SIZE: String(size), SANDBOX_SEED: '12' });
    const common = {
      DATABASE_URL: scratch.url,
      NATS_URL: o.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const manager = await startSessionManager(common);
    services.push(manager.service);
    const exPort = await freePort();
    const extractor = spawnService('extractor', {
      ...common,
      PORT: String(exPort),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
    });
    services.push(extractor);
    await extractor.waitReady(exPort);
    const call = manager.admin.bind(manager);
    await call('PUT', `/tenants/${TENANT}`, { name: 'Bench vendor backfill' });

    // One vendor at a time, so each has the machine (and the extractor) to itself. VENDOR_BACKFILL_VENDORS
    // (e.g. `jobber`) runs those only: for profiling, not for the quoted figures.
    const only = process.env['VENDOR_BACKFILL_VENDORS']?.split(',').map((v) => v.trim());
    for (const spec of VENDORS) {
      if (only && !only.includes(spec.vendor)) continue;
      const portal = sandbox.portal(spec.vendor);
      const holdings = await portalHoldings(spec.vendor, portal.url);
      const streams = CONNECTORS.get(spec.vendor).readSide.streams.length;
      await portal.control('POST', 'reset');
      const t0 = performance.now();
      const { id } = await call('POST', '/connections', {
        tenantId: TENANT,
        vendor: spec.vendor,
        portalUrl: portal.url,
        ...spec.login,
      });
      let stored = 0;
      let caughtUp = 0;
      let lastLog = t0;
      for (;;) {
        const cursors = await sql<{ n: number; done: number }>`
          select count(*)::int as n, count(last_success_at)::int as done
          from sync_cursors where connection_id = ${id}`.execute(db);
        caughtUp = cursors.rows[0]?.done ?? 0;
        stored = (await storedRows(db, tables, TENANT, [id])).get(id) ?? 0;
        if (caughtUp === streams && stored === holdings.records) break;
        if (performance.now() - t0 > limitMs) {
          throw new Error(
            `${spec.label} backfill not complete in ${limitMs} ms: ${stored} of ${holdings.records} stored, ${caughtUp}/${streams} streams caught up\n${extractor.output().slice(-3_000)}`,
          );
        }
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          o.log(
            `${spec.label}: ${stored}/${holdings.records} stored, ${caughtUp}/${streams} streams caught up`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const wallMs = performance.now() - t0;
      const requests = await portal.control<
        RequestCounts & { firstAt: string | null; lastAt: string | null }
      >('GET', 'requests');
      const requestsPerSec = wallMs <= 0 ? 0 : (requests.total * 1000) / wallMs;
      // What the vendor would have allowed over the backfill: its limit per window, for at least one
      // window (a backfill shorter than the window may spend the whole window's allowance at once).
      const allowance = spec.limit * Math.max(1, wallMs / spec.windowMs);
      const budgetShare = requests.total / allowance;
      const throttledShare = requests.total === 0 ? 0 : requests.rateLimited / requests.total;
      // The query-cost budget while the backfill read (its first request to its last; the sign-in before
      // it spends no points): the full bucket at the start plus what it restored meanwhile.
      const readingMs =
        requests.firstAt && requests.lastAt
          ? Date.parse(requests.lastAt) - Date.parse(requests.firstAt)
          : wallMs;
      const costAllowance = spec.costBucket
        ? spec.costBucket.maximumAvailable + spec.costBucket.restoreRate * (readingMs / 1000)
        : undefined;
      const cost = requests.queryCost ?? { charged: 0, throttled: 0 };
      const costShare = costAllowance === undefined ? undefined : cost.charged / costAllowance;
      const costThrottledShare = requests.total === 0 ? 0 : cost.throttled / requests.total;
      o.log(
        `${spec.label}: ${holdings.records} records in ${(wallMs / 1000).toFixed(1)} s; ${requests.total} requests (${requestsPerSec.toFixed(1)}/s; ${(budgetShare * 100).toFixed(0)} % of the ${Math.round(allowance)} that ${spec.budget} allows over the run), ${requests.rateLimited} answered 429` +
          (costAllowance === undefined
            ? ''
            : `; query cost ${cost.charged} points = ${((costShare ?? 0) * 100).toFixed(0)} % of the ${Math.round(costAllowance)} the bucket allowed over the ${(readingMs / 1000).toFixed(1)} s of reading, ${cost.throttled} answered THROTTLED`),
      );
      results.push({
        id: `extractor.backfill.${spec.vendor}`,
        group: 'extractor',
        title: `backfill of a new ${spec.label} connection (${holdings.records} records), the vendor's limits on: POST /connections → store equals what the vendor holds`,
        unit: 'records',
        count: holdings.records,
        wallMs: Math.round(wallMs),
        ratePerSec: ratePerSec(holdings.records, wallMs),
        params: {
          sandboxSize: size,
          streams,
          vendorRows: holdings.rows,
          requests: requests.total,
          requestsPerSec: Number(requestsPerSec.toFixed(2)),
          vendorBudget: spec.budget,
          allowanceOverRun: Math.round(allowance),
          budgetShare: Number(budgetShare.toFixed(3)),
          answered429: requests.rateLimited,
          throttledShare: Number(throttledShare.toFixed(4)),
          answered5xx: requests.serverErrors,
          refused: requests.refused,
          recordsPerRequest: Number((holdings.records / Math.max(1, requests.ok)).toFixed(1)),
          ...(costAllowance === undefined
            ? {}
            : {
                queryCostCharged: cost.charged,
                readingMs: Math.round(readingMs),
                queryCostAllowanceWhileReading: Math.round(costAllowance),
                queryCostShare: Number((costShare ?? 0).toFixed(3)),
                answeredThrottled: cost.throttled,
                throttledAnswerShare: Number(costThrottledShare.toFixed(4)),
              }),
        },
        checks: [
          check(
            stored === holdings.records,
            'the store holds exactly what the vendor’s rows become (tombstones included)',
            `${stored} of ${holdings.records}`,
          ),
          check(caughtUp === streams, `all ${streams} stream cursors caught up`),
          check(requests.total > 0, 'the sandbox counted the backfill’s requests', JSON.stringify(requests)),
          ...(costAllowance === undefined
            ? []
            : [
                check(
                  cost.charged > 0 && cost.charged <= costAllowance,
                  'the sandbox charged query cost, within what its bucket can give while the backfill read',
                  `${cost.charged} of ${Math.round(costAllowance)}`,
                ),
              ]),
        ],
      });
    }
    return results;
  } finally {
    for (const service of services.reverse()) await service.stop('SIGTERM');
    await sandbox?.service.stop();
    await db.destroy();
    await scratch.drop();
    const jsm = await jetstreamManager(o.nc);
    for (const kind of StreamKinds) await jsm.streams.delete(streamName(kind, prefix)).catch(() => false);
  }
}
