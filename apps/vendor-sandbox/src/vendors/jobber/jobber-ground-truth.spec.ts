import type { WorldEntity } from '@fieldsync/sandbox-world';
import { SandboxWorldHost } from '../../world-host/sandbox-world.host';
import { decodeId } from './jobber-encoded-id.util';
import {
  startJobberSession,
  type GraphqlAnswer,
  type JobberSession,
} from './__fixtures__/jobber-session.fixture';

/*
 * Ground truth: a correct incremental client (UPDATED_AT ascending, following cursors, then re-reading
 * from its last seen updatedAt with overlap and de-duplicating by id) ends with exactly the export of
 * `GET /__sandbox/world/export/:entity`, field by field — on a static world and with the activity
 * clock writing between pages.
 */

const FIELDS = {
  clients: `id firstName lastName companyName isCompany name emails { address primary description }
    phones { number primary description smsAllowed }
    billingAddress { street street1 street2 city province postalCode country }
    balance isLead isArchived createdAt updatedAt
    tags(first: 5) { nodes { label } pageInfo { hasNextPage endCursor } }`,
  jobs: `id jobNumber title instructions jobStatus jobType total startAt endAt completedAt
    client { id } property { id } quote { id } createdAt updatedAt`,
  invoices: `id invoiceNumber invoiceStatus subject issuedDate dueDate receivedDate
    amounts { subtotal taxAmount discountAmount depositAmount paymentsTotal tipsTotal invoiceBalance total }
    client { id } createdAt updatedAt`,
} as const;
type Root = keyof typeof FIELDS;
const WORLD_ENTITY: Record<Root, WorldEntity> = { clients: 'customer', jobs: 'job', invoices: 'invoice' };
const TYPE: Record<Root, string> = { clients: 'Client', jobs: 'Job', invoices: 'Invoice' };

interface Node {
  id: string;
  updatedAt: string;
}
interface Page {
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const OVERLAP_MS = 1_000;
/** The portal's clock (the cost bucket restores on it); the client "sleeps" by moving it. */
const clock = { now: Date.UTC(2026, 2, 2, 18), waits: 0 };

/** One incremental pass from `watermark` (minus the overlap); calls `between` after every page. */
async function pass(
  s: JobberSession,
  root: Root,
  seen: Map<string, Node>,
  watermark: number | null,
  between?: () => void,
): Promise<{ watermark: number | null; served: number; repeats: number }> {
  const query = `query($after: String, $filter: ${root === 'clients' ? 'Client' : root === 'jobs' ? 'Job' : 'Invoice'}FilterAttributes) {
    ${root}(first: 100, after: $after, filter: $filter, sort: [{ key: UPDATED_AT, direction: ASCENDING }]) {
      nodes { ${FIELDS[root]} } pageInfo { hasNextPage endCursor } } }`;
  const filter =
    watermark === null ? null : { updatedAt: { after: new Date(watermark - OVERLAP_MS).toISOString() } };
  let after: string | null = null;
  let high = watermark;
  let served = 0;
  let repeats = 0;
  const inPass = new Set<string>();
  for (;;) {
    const answer: GraphqlAnswer<Record<Root, Page>> = await s.gql<Record<Root, Page>>(query, {
      after,
      filter,
    });
    const cost = answer.body.extensions?.cost;
    if (answer.body.errors?.[0]?.extensions?.code === 'THROTTLED' && cost) {
      // a well-behaved client waits until the bucket holds the query's cost, then asks again
      const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
      clock.now += Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000);
      clock.waits++;
      continue;
    }
    if (answer.status !== 200 || answer.body.errors || !answer.body.data) {
      throw new Error(JSON.stringify(answer.body).slice(0, 500));
    }
    const page: Page = answer.body.data[root];
    for (const node of page.nodes) {
      if (inPass.has(node.id)) repeats++;
      inPass.add(node.id);
      seen.set(node.id, node);
      const t = Date.parse(node.updatedAt);
      if (high === null || t > high) high = t;
    }
    served += page.nodes.length;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    between?.();
  }
  return { watermark: high, served, repeats };
}

const byId = (a: Node, b: Node) => (decodeId(a.id, 'x') ?? 0) - (decodeId(b.id, 'x') ?? 0);
function sorted(nodes: Iterable<Node>, type: string): Node[] {
  const key = (n: Node) => decodeId(n.id, type) ?? -1;
  return Array.from(nodes).sort((a, b) => key(a) - key(b) || byId(a, b));
}

describe('Jobber ground truth through incremental paging', () => {
  it.each(['clients', 'jobs', 'invoices'] as const)(
    'a static world: %s read once equal the export',
    async (root) => {
      const s = await startJobberSession({ seed: 21, size: 4_000, clock: () => clock.now });
      try {
        const seen = new Map<string, Node>();
        const first = await pass(s, root, seen, null);
        expect(first.repeats).toBe(0);
        const truth = await s.exportOf<Node>(root);
        expect(first.served).toBe(truth.length);
        expect(sorted(seen.values(), TYPE[root])).toEqual(truth);
        // nothing changed: a pass from the watermark serves only the overlap
        const again = await pass(s, root, seen, first.watermark);
        expect(again.served).toBeLessThan(truth.length);
      } finally {
        await s.close();
      }
    },
  );

  it.each(['clients', 'jobs', 'invoices'] as const)(
    'with the activity clock writing between pages: %s converge on the export',
    async (root) => {
      const world = new SandboxWorldHost({ seed: 22, size: 4_000, ratePerMinute: 2 });
      const s = await startJobberSession({ world, clock: () => clock.now });
      try {
        const seen = new Map<string, Node>();
        let writes = 0;
        const between = () => {
          const events = world.activity.betweenPages(WORLD_ENTITY[root], { changes: 5 });
          // money moves too: payments and invoices between invoice pages
          if (root === 'invoices') events.push(...world.activity.run(5));
          // a client's emails and phones are its contacts: editing one must move the client's updatedAt
          if (root === 'clients') events.push(...world.activity.betweenPages('contact', { changes: 5 }));
          writes += events.filter((e) => e.ok).length;
        };
        const rowVersion = world.world.store.rowVersion;
        const first = await pass(s, root, seen, null, between);
        expect(world.world.store.rowVersion).toBeGreaterThan(rowVersion);
        // a record re-served within the pass moved (it was written meanwhile): never more than the writes
        expect(first.repeats).toBeLessThanOrEqual(writes);
        // the activity stops; one more pass from the watermark (with overlap) catches up
        await pass(s, root, seen, first.watermark);
        const truth = await s.exportOf<Node>(root);
        const truthIds = new Set(truth.map((n) => n.id));
        const mine = sorted(
          Array.from(seen.values()).filter((n) => truthIds.has(n.id)),
          TYPE[root],
        );
        expect(mine).toEqual(truth);
        // what the client holds beyond the export was deleted or merged away (Jobber shows that only by absence)
        for (const id of seen.keys()) {
          if (truthIds.has(id)) continue;
          const record = world.world.store.get(WORLD_ENTITY[root], decodeId(id, TYPE[root]) ?? 0) as
            { deletedOn: number | null; mergedToId?: number | null } | undefined;
          expect(record && (record.deletedOn !== null || (record.mergedToId ?? null) !== null)).toBe(true);
        }
      } finally {
        await s.close();
      }
    },
  );
});
