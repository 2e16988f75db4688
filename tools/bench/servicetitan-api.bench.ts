import { performance } from 'node:perf_hooks';
import pino from 'pino';
// The bench drives the sandbox app in-process (Fastify inject); tools are not production code.
/* eslint-disable @nx/enforce-module-boundaries */
import { PortalServer } from '../../apps/vendor-sandbox/src/portal/portal-server';
import {
  mountServiceTitanApi,
  SERVICETITAN_TENANT_ID,
  servicetitanPortal,
} from '../../apps/vendor-sandbox/src/vendors/servicetitan';
import { SandboxWorldHost } from '../../apps/vendor-sandbox/src/world-host/sandbox-world.host';
/* eslint-enable @nx/enforce-module-boundaries */
import { check, type BenchResult } from './bench.types';
import { ratePerSec } from './stats.util';

/**
 * The sandbox's ServiceTitan API on a 100k-record world through Fastify inject (no socket): pages/s
 * of customer list paging (pageSize 50 and 500, id order, every active customer) and of draining the
 * customer and job export feeds, each checked against the world's counts. The 60/s limiter is off.
 */
export async function benchServiceTitanApi(size = 100_000): Promise<BenchResult[]> {
  const host = new SandboxWorldHost({ seed: 1, size, ratePerMinute: 2 });
  const server = await PortalServer.create(
    {
      ...servicetitanPortal,
      mountData: (scope, kit) => mountServiceTitanApi(scope, kit, { requestsPerSecond: 0 }),
    },
    { logger: pino({ level: 'silent' }), lockoutDurationMs: 60_000, seed: 1, world: host },
  );
  // A session without the login forms (the login is not what is measured).
  const user = server.kit.users.byUsername('st.admin');
  if (!user) throw new Error('no st.admin');
  const session = server.kit.sessions.create(user.id);
  const cookie = `st_session=${session.id}`;
  const get = async (url: string) => {
    const res = await server.app.inject({ method: 'GET', url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
    return res.json<{ hasMore: boolean; continueFrom?: string; data: { id: number }[] }>();
  };
  const store = host.world.store;
  const activeCustomers = [...store.all('customer')].filter((c) => c.active && c.deletedOn === null).length;
  const results: BenchResult[] = [];
  const base = `/crm/v2/tenant/${SERVICETITAN_TENANT_ID}`;

  for (const pageSize of [50, 500]) {
    const started = performance.now();
    let pages = 0;
    const ids = new Set<number>();
    for (let page = 1; ; page++) {
      const body = await get(`${base}/customers?page=${page}&pageSize=${pageSize}`);
      pages++;
      for (const row of body.data) ids.add(row.id);
      if (!body.hasMore) break;
    }
    const wallMs = performance.now() - started;
    results.push({
      id: `sandbox.servicetitan.list.customers.${pageSize}`,
      group: 'vendor-sandbox',
      title: `GET /crm/v2/tenant/{t}/customers?page=…&pageSize=${pageSize} (inject, ${size} world)`,
      unit: 'ops',
      count: pages,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(pages, wallMs),
      params: { size, pageSize, rows: ids.size },
      checks: [
        check(ids.size === activeCustomers, 'every active customer once', `${ids.size} ≠ ${activeCustomers}`),
      ],
    });
  }

  for (const [module, feed, entity] of [
    ['crm', 'customers', 'customer'],
    ['jpm', 'jobs', 'job'],
  ] as const) {
    const started = performance.now();
    let pages = 0;
    let from = '';
    const ids = new Set<number>();
    for (;;) {
      const body = await get(
        `/${module}/v2/tenant/${SERVICETITAN_TENANT_ID}/export/${feed}${from ? `?from=${from}` : ''}`,
      );
      pages++;
      for (const row of body.data) ids.add(row.id);
      from = body.continueFrom ?? '';
      if (!body.hasMore) break;
    }
    const wallMs = performance.now() - started;
    results.push({
      id: `sandbox.servicetitan.export.${feed}`,
      group: 'vendor-sandbox',
      title: `GET /${module}/v2/tenant/{t}/export/${feed} drained with continueFrom (inject, ${size} world)`,
      unit: 'ops',
      count: pages,
      wallMs: Math.round(wallMs),
      ratePerSec: ratePerSec(pages, wallMs),
      params: { size, rows: ids.size, batch: 500 },
      checks: [
        check(ids.size === store.count(entity), `every ${entity} once, inactive included`, `${ids.size}`),
      ],
    });
  }
  await server.close();
  return results;
}

if (require.main === module) {
  benchServiceTitanApi()
    .then((results) => {
      for (const r of results) {
        console.log(
          `${r.id}: ${r.count} pages in ${r.wallMs} ms = ${r.ratePerSec} pages/s ${JSON.stringify(r.params)}`,
        );
      }
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
