/*
 * The vendor sandbox's Jobber GraphQL API: pages/s of client and job paging (first: 100, following
 * endCursor) on a 100k-record world through Fastify inject, behind a real portal session. Measured
 * with the cost bucket off and with Jobber's bucket (10,000 points, 500/s) refilled by an injected
 * clock between pages, so the figure is the server's, not the throttle's. Every run checks that each
 * record was served exactly once. Standalone: `node -r @swc-node/register tools/bench/jobber-api.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the bench drives the app in-process (inject); no library exposes the portal
import { SandboxWorldHost } from '../../apps/vendor-sandbox/src/world-host/sandbox-world.host';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import {
  startJobberSession,
  type GraphqlAnswer,
} from '../../apps/vendor-sandbox/src/vendors/jobber/__fixtures__/jobber-session.fixture';
import { check, type BenchResult } from './bench.types';
import { ratePerSec } from './stats.util';

const QUERIES = {
  clients: `query($after: String) { clients(first: 100, after: $after) { nodes { id name firstName lastName
    companyName isCompany balance isArchived createdAt updatedAt emails { address } phones { number }
    billingAddress { street1 city province postalCode } } pageInfo { hasNextPage endCursor } } }`,
  jobs: `query($after: String) { jobs(first: 100, after: $after) { nodes { id jobNumber title jobStatus total
    startAt endAt completedAt createdAt updatedAt client { id } property { id } } pageInfo { hasNextPage endCursor } } }`,
} as const;

interface Page {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export async function benchJobberApi(
  options: { size?: number; log?: (line: string) => void } = {},
): Promise<BenchResult[]> {
  const size = options.size ?? 100_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const world = new SandboxWorldHost({ seed: 7, size, ratePerMinute: 2 });
  const results: BenchResult[] = [];
  for (const bucket of ['off', 'refilled'] as const) {
    let now = Date.UTC(2026, 2, 2, 18);
    const session = await startJobberSession({
      world,
      clock: () => now,
      ...(bucket === 'off'
        ? { api: { costBucket: null, requestLimit: { limit: 1e9, windowMs: 1 } } }
        : {
            api: { requestLimit: { limit: 1e9, windowMs: 1 } },
          }),
    });
    try {
      for (const root of ['clients', 'jobs'] as const) {
        const expected = (await session.exportOf(root)).length;
        const seen = new Set<string>();
        let pages = 0;
        let after: string | null = null;
        const started = performance.now();
        for (;;) {
          const answer: GraphqlAnswer<Record<string, Page>> = await session.gql<Record<string, Page>>(
            QUERIES[root],
            { after },
          );
          const page: Page | undefined = answer.body.data?.[root];
          if (!page) throw new Error(`${root}: ${JSON.stringify(answer.body).slice(0, 300)}`);
          for (const node of page.nodes) seen.add(node.id);
          pages++;
          now += 60_000; // the bucket refills between pages
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const wallMs = performance.now() - started;
        const checks = [
          check(seen.size === expected, `every ${root} record served once (${expected})`, `${seen.size}`),
          check(pages === Math.ceil(expected / 100), 'pages of 100', `${pages}`),
        ];
        log(
          `jobber ${root} paging (bucket ${bucket}): ${pages} pages in ${Math.round(wallMs)} ms = ${ratePerSec(pages, wallMs)} pages/s`,
        );
        results.push({
          id: `sandbox.jobber.${root}.paging.bucket-${bucket}`,
          group: 'vendor-sandbox',
          title: `Jobber GraphQL ${root}(first: 100) paging, cost bucket ${bucket}`,
          unit: 'ops',
          count: pages,
          wallMs: Math.round(wallMs),
          ratePerSec: ratePerSec(pages, wallMs),
          params: { size, records: expected, pageSize: 100, bucket },
          checks,
        });
      }
    } finally {
      await session.close();
    }
  }
  return results;
}

if (require.main === module) {
  benchJobberApi().then(
    (results) => console.log(JSON.stringify(results, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
