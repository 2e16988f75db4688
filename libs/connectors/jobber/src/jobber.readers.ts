import { createHash } from 'node:crypto';
import { normalizeTimestamp, type EntityType } from '@fieldsync/canonical-model';
import type {
  ConnectorReadSide,
  ReadPage,
  StreamReader,
  SyncContext,
  VendorRecord,
} from '@fieldsync/connector-kit';
import type { z } from 'zod';
import {
  parseJobberCheckpoint,
  serializeJobberCheckpoint,
  type JobberCheckpoint,
} from './jobber-checkpoint.util';
import { JobberGraphqlError, jobberGraphql } from './jobber.client';
import { jobberMapper } from './jobber.mapper';
import { fitPageSize, renderSelection, type JobberSelection } from './jobber-query.util';
import {
  CLIENT,
  ID,
  INVOICE,
  JOB,
  LINE_ITEM,
  PAYMENT_RECORD,
  PRODUCT_OR_SERVICE,
  PROPERTY,
  QUOTE,
  REQUEST,
  TAG,
  USER,
  VISIT,
} from './jobber-selections';

import {
  jobberClientSchema,
  jobberConnectionSchema,
  jobberInvoiceSchema,
  jobberJobSchema,
  jobberPaymentRecordSchema,
  jobberProductOrServiceSchema,
  jobberPropertySchema,
  jobberQuoteSchema,
  jobberRequestSchema,
  jobberUserSchema,
  jobberVisitSchema,
  type JobberConnection,
} from './jobber.schemas';

/**
 * Requested query cost allowed per page: half of Jobber's 10,000-point bucket, so a page never waits for
 * a full bucket and a second stream of the same account can still take one. Page sizes follow from it.
 */
export const JOBBER_PAGE_COST_BUDGET = 5_000;
/**
 * Quotes and requests can be filtered by updatedAt but not sorted by it, so a record changed behind the
 * cursor during a pass is only seen by the next pass: each pass re-reads this much vendor time before
 * the newest updatedAt it returned (versions already returned, by payload digest, are skipped). A pass
 * must take less vendor time than this for nothing to be missed.
 */
export const JOBBER_UNSORTED_OVERLAP_MS = 10 * 60_000;

const MINUTE = 60_000;

// ------------------------------------------------------------------ selections

// ------------------------------------------------------------------ records

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** One node against its wire schema: a record, or drift with every issue (the page goes on). */
export function validatedRecord(entity: EntityType, schema: z.ZodType, raw: unknown): VendorRecord {
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const externalId = (parsed.data as { id: string }).id;
    return { kind: 'record', entity, externalId, raw: parsed.data, deleted: false };
  }
  const id = isNode(raw) ? raw['id'] : undefined;
  return {
    kind: 'drift',
    entity,
    externalId: typeof id === 'string' && id !== '' ? id : null,
    raw,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message,
    })),
  };
}

/** Fetches what a nested connection holds after its first page. */
type RestFetcher = (
  parent: 'client' | 'job' | 'visit' | 'quote' | 'invoice',
  id: string,
  field: string,
  nodes: JobberSelection,
  after: string,
) => Promise<unknown[]>;

/**
 * `node[field]` with every page of the nested connection merged in (fetched when it says there is
 * more). A connection that cannot be read is left as it is: validation reports it as drift.
 */
async function complete(
  node: Node,
  parent: Parameters<RestFetcher>[0],
  field: string,
  selection: JobberSelection,
  rest: RestFetcher,
): Promise<Node> {
  const connection = jobberConnectionSchema.safeParse(node[field]);
  const id = node['id'];
  if (!connection.success || typeof id !== 'string') return node;
  const { pageInfo } = connection.data;
  if (!pageInfo.hasNextPage || pageInfo.endCursor === null) return node;
  const more = await rest(parent, id, field, selection, pageInfo.endCursor);
  return {
    ...node,
    [field]: {
      nodes: [...connection.data.nodes, ...more],
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  };
}

/** The rest of a nested connection (after its first page), read page by page with the connection's session. */
function nestedFetcher(ctx: SyncContext): RestFetcher {
  return async (parent, id, field, nodes, after) => {
    const selection: JobberSelection = [
      {
        name: parent,
        args: 'id: $id',
        fields: [{ name: field, first: '$first', args: 'after: $after', nodes }],
      },
    ];
    const first = fitPageSize(selection, JOBBER_PAGE_COST_BUDGET);
    const operation = `FieldsyncRead${upperFirst(parent)}${upperFirst(field)}`;
    const text = `query ${operation}($id: EncodedId!, $first: Int!, $after: String) { ${renderSelection(selection)} }`;
    const out: unknown[] = [];
    let cursor: string | null = after;
    while (cursor !== null) {
      const { data } = await jobberGraphql(ctx, operation, text, { id, first, after: cursor });
      const owner = data[parent];
      if (!isNode(owner)) break; // gone since the parent page was read: the next pass sees it
      const page = connectionIn(owner, field, operation);
      out.push(...page.nodes);
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    return out;
  };
}

/** `node[field]` with every page of its nested connection, read with `ctx`'s session (readers and write read-backs). */
export function completeNested(
  ctx: SyncContext,
  node: Node,
  parent: Parameters<RestFetcher>[0],
  field: string,
  selection: JobberSelection,
): Promise<Node> {
  return complete(node, parent, field, selection, nestedFetcher(ctx));
}

function nodesOf(value: unknown): unknown[] {
  const connection = jobberConnectionSchema.safeParse(value);
  return connection.success ? connection.data.nodes : [];
}

// ------------------------------------------------------------------ streams

type Mode =
  /** `filter: {updatedAt: {after}}` + `sort: UPDATED_AT ASC`: resumes after the last cursor, forever. */
  | { readonly kind: 'sorted'; readonly filterType: string }
  /** `filter: {updatedAt: {after}}` in id order: passes that overlap, with `seen` against repeats. */
  | { readonly kind: 'filtered'; readonly filterType: string }
  /** No updatedAt at all: the whole listing every interval. */
  | { readonly kind: 'listing' };

interface StreamSpec {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  /** StreamReader.reconciles; default `entities`. */
  readonly reconciles?: readonly EntityType[];
  /** The Query field of the root connection. */
  readonly root: string;
  readonly mode: Mode;
  readonly nodes: JobberSelection;
  /** The records one root node yields (its own, and the nested ones reached through it). */
  readonly records: (node: unknown, rest: RestFetcher) => Promise<VendorRecord[]>;
}

const single =
  (entity: EntityType, schema: z.ZodType) =>
  (node: unknown): Promise<VendorRecord[]> =>
    Promise.resolve([validatedRecord(entity, schema, node)]);

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The stream's root query for page size `first`. */
function rootQuery(spec: StreamSpec): { text: string; first: number; operation: string } {
  const operation = `FieldsyncRead${upperFirst(spec.root)}`;
  const vars = ['$first: Int!', '$after: String'];
  const args = ['after: $after'];
  if (spec.mode.kind !== 'listing') {
    vars.push(`$filter: ${spec.mode.filterType}`);
    args.push('filter: $filter');
  }
  if (spec.mode.kind === 'sorted') {
    args.push(`sort: [{ key: UPDATED_AT, direction: ASCENDING }]`);
  }
  const selection: JobberSelection = [
    { name: spec.root, first: '$first', args: args.join(', '), nodes: spec.nodes, totalCount: true },
  ];
  const first = fitPageSize(selection, JOBBER_PAGE_COST_BUDGET);
  return {
    text: `query ${operation}(${vars.join(', ')}) { ${renderSelection(selection)} }`,
    first,
    operation,
  };
}

const epochOf = (iso: string): number => Date.parse(iso);
const isoOf = (ms: number): string => normalizeTimestamp(new Date(ms));

/** A short digest of a node's JSON (the readers build nodes in the order Jobber sends them). */
function digestOf(node: unknown): string {
  return createHash('sha256').update(JSON.stringify(node)).digest('base64url').slice(0, 16);
}

function updatedAtOf(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  const value = node['updatedAt'];
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

class JobberStreamReader implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  readonly signalsDeletes = false;
  readonly reconciles: readonly EntityType[];
  private readonly query: { text: string; first: number; operation: string };

  constructor(private readonly spec: StreamSpec) {
    this.stream = spec.stream;
    this.entities = spec.entities;
    this.reconciles = spec.reconciles ?? spec.entities;
    this.intervalMs = spec.intervalMs;
    this.query = rootQuery(spec);
  }

  /** Page size of the root query (fitted to JOBBER_PAGE_COST_BUDGET). */
  get pageSize(): number {
    return this.query.first;
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const from = parseJobberCheckpoint(this.stream, checkpoint);
    let connection: JobberConnection;
    try {
      connection = await this.fetchPage(ctx, from);
    } catch (error) {
      // A cursor Jobber no longer accepts: start over from the updatedAt bound (re-reads, never skips).
      if (!(error instanceof JobberGraphqlError) || !error.codes.includes('INVALID_CURSOR') || !from.cursor) {
        throw error;
      }
      ctx.logger.warn(
        { stream: this.stream },
        'Jobber refused the stored cursor; re-reading from updatedAfter',
      );
      return this.readPage(ctx, serializeJobberCheckpoint({ ...from, cursor: null }));
    }
    const rest = nestedFetcher(ctx);
    const { nodes, pageInfo } = connection;
    // The first page of a pass says how many records the pass will read (the backfill's ETA).
    const total =
      checkpoint === null && connection.totalCount !== undefined ? { total: connection.totalCount } : {};
    const more = pageInfo.hasNextPage && pageInfo.endCursor !== null;
    const cursor = pageInfo.endCursor ?? from.cursor;
    switch (this.spec.mode.kind) {
      case 'listing': {
        const records = await this.recordsOf(nodes, rest);
        return {
          records,
          checkpoint: more ? serializeJobberCheckpoint({ updatedAfter: null, cursor }) : null,
          caughtUp: !more,
          ...total,
        };
      }
      case 'sorted': {
        const records = await this.recordsOf(nodes, rest);
        let updatedAfter = from.updatedAfter;
        if (!more) {
          // Caught up: the cursor stays the resume point (it orders by updatedAt then id, so rows that
          // share a timestamp are neither skipped nor repeated); the filter is tightened to one second
          // before the last row, which the cursor already excludes.
          const last = nodes
            .map(updatedAtOf)
            .filter((u): u is string => u !== undefined)
            .at(-1);
          if (last !== undefined) {
            const bound = epochOf(last) - 1000;
            if (updatedAfter === null || bound > epochOf(updatedAfter)) updatedAfter = isoOf(bound);
          }
        }
        return {
          records,
          checkpoint: serializeJobberCheckpoint({ updatedAfter, cursor }),
          caughtUp: !more,
          ...total,
        };
      }
      case 'filtered':
        return { ...(await this.filteredPage(from, nodes, more, cursor, rest)), ...total };
    }
  }

  private async filteredPage(
    from: JobberCheckpoint,
    nodes: readonly unknown[],
    more: boolean,
    cursor: string | null,
    rest: RestFetcher,
  ): Promise<ReadPage> {
    const seen: Record<string, string> = { ...from.seen };
    let newest = from.newest ?? null;
    const fresh: unknown[] = [];
    for (const node of nodes) {
      const id = isNode(node) ? node['id'] : undefined;
      const updatedAt = updatedAtOf(node);
      if (typeof id === 'string' && updatedAt !== undefined) {
        // The version returned before, to the byte: updatedAt has whole seconds, and a record can change
        // twice in one second, so the payload's digest decides.
        const version = `${updatedAt}#${digestOf(node)}`;
        if (seen[id] === version) continue;
        seen[id] = version;
        if (newest === null || epochOf(updatedAt) > epochOf(newest)) newest = updatedAt;
      }
      fresh.push(node);
    }
    const records = await this.recordsOf(fresh, rest);
    // The window the next pass re-reads, and so the ids worth remembering.
    const windowStart = newest === null ? null : epochOf(newest) - JOBBER_UNSORTED_OVERLAP_MS;
    const kept: Record<string, string> = {};
    for (const [id, version] of Object.entries(seen)) {
      const updatedAt = version.slice(0, version.indexOf('#'));
      if (windowStart === null || epochOf(updatedAt) > windowStart) kept[id] = version;
    }
    let updatedAfter = from.updatedAfter;
    if (!more && windowStart !== null && (updatedAfter === null || windowStart > epochOf(updatedAfter))) {
      updatedAfter = isoOf(windowStart);
    }
    const next: JobberCheckpoint = {
      updatedAfter,
      cursor: more ? cursor : null,
      newest,
      seen: kept,
    };
    return { records, checkpoint: serializeJobberCheckpoint(next), caughtUp: !more };
  }

  private async recordsOf(nodes: readonly unknown[], rest: RestFetcher): Promise<VendorRecord[]> {
    const out: VendorRecord[] = [];
    for (const node of nodes) out.push(...(await this.spec.records(node, rest)));
    return out;
  }

  private async fetchPage(ctx: SyncContext, from: JobberCheckpoint): Promise<JobberConnection> {
    const variables: Record<string, unknown> = { first: this.query.first, after: from.cursor };
    if (this.spec.mode.kind !== 'listing') {
      variables['filter'] = from.updatedAfter === null ? null : { updatedAt: { after: from.updatedAfter } };
    }
    const { data, cost } = await jobberGraphql(ctx, this.query.operation, this.query.text, variables);
    ctx.logger.debug(
      { stream: this.stream, first: this.query.first, cost: cost?.actualQueryCost },
      'Jobber page read',
    );
    return connectionIn(data, this.spec.root, this.query.operation);
  }
}

function connectionIn(
  data: Readonly<Record<string, unknown>>,
  field: string,
  operation: string,
): JobberConnection {
  const parsed = jobberConnectionSchema.safeParse(data[field]);
  if (!parsed.success) {
    throw new JobberGraphqlError(
      operation,
      [],
      `Jobber ${operation}: ${field} is not a readable connection (${parsed.error.issues
        .map((i) => `${[field, ...i.path].join('.')}: ${i.message}`)
        .join('; ')})`,
    );
  }
  return parsed.data;
}

const STREAMS: readonly StreamSpec[] = [
  {
    stream: 'clients',
    entities: ['customer', 'location'],
    // Locations are reconciled by the properties stream (the whole list); a client page holds only some.
    reconciles: ['customer'],
    intervalMs: MINUTE,
    root: 'clients',
    mode: { kind: 'sorted', filterType: 'ClientFilterAttributes' },
    nodes: CLIENT,
    // A client page also yields its properties (they have no updatedAt of their own).
    records: async (node, rest) => {
      if (!isNode(node)) return [validatedRecord('customer', jobberClientSchema, node)];
      const tagged = await complete(node, 'client', 'tags', TAG, rest);
      const full = await complete(tagged, 'client', 'clientProperties', PROPERTY, rest);
      const { clientProperties, ...client } = full;
      return [
        validatedRecord('customer', jobberClientSchema, client),
        ...nodesOf(clientProperties).map((p) => validatedRecord('location', jobberPropertySchema, p)),
      ];
    },
  },
  {
    // Property edits do not move the client's updatedAt, and a property can outlive its client's
    // listing: the whole list, at a slower pace, is what finds them.
    stream: 'properties',
    entities: ['location'],
    intervalMs: 15 * MINUTE,
    root: 'properties',
    mode: { kind: 'listing' },
    nodes: PROPERTY,
    records: single('location', jobberPropertySchema),
  },
  {
    stream: 'jobs',
    entities: ['job', 'appointment'],
    intervalMs: 15_000,
    root: 'jobs',
    mode: { kind: 'sorted', filterType: 'JobFilterAttributes' },
    nodes: JOB,
    // A job page also yields its visits: a visit change moves the job's updatedAt.
    records: async (node, rest) => {
      if (!isNode(node)) return [validatedRecord('job', jobberJobSchema, node)];
      const job = await complete(node, 'job', 'visits', VISIT, rest);
      const visits: unknown[] = [];
      for (const visit of nodesOf(job['visits'])) {
        visits.push(isNode(visit) ? await complete(visit, 'visit', 'assignedUsers', ID, rest) : visit);
      }
      const withVisits = isNode(job['visits'])
        ? { ...job, visits: { ...job['visits'], nodes: visits } }
        : job;
      return [
        validatedRecord('job', jobberJobSchema, withVisits),
        ...visits.map((v) => validatedRecord('appointment', jobberVisitSchema, v)),
      ];
    },
  },
  {
    stream: 'invoices',
    entities: ['invoice'],
    intervalMs: MINUTE,
    root: 'invoices',
    mode: { kind: 'sorted', filterType: 'InvoiceFilterAttributes' },
    nodes: INVOICE,
    records: async (node, rest) => [
      validatedRecord(
        'invoice',
        jobberInvoiceSchema,
        isNode(node) ? await complete(node, 'invoice', 'lineItems', LINE_ITEM, rest) : node,
      ),
    ],
  },
  {
    stream: 'quotes',
    entities: ['estimate'],
    intervalMs: 2 * MINUTE,
    root: 'quotes',
    mode: { kind: 'filtered', filterType: 'QuoteFilterAttributes' },
    nodes: QUOTE,
    records: async (node, rest) => [
      validatedRecord(
        'estimate',
        jobberQuoteSchema,
        isNode(node) ? await complete(node, 'quote', 'lineItems', LINE_ITEM, rest) : node,
      ),
    ],
  },
  {
    stream: 'users',
    entities: ['technician'],
    intervalMs: 15 * MINUTE,
    root: 'users',
    mode: { kind: 'listing' },
    nodes: USER,
    records: single('technician', jobberUserSchema),
  },
  {
    stream: 'payment-records',
    entities: ['payment'],
    intervalMs: 5 * MINUTE,
    root: 'paymentRecords',
    mode: { kind: 'listing' },
    nodes: PAYMENT_RECORD,
    records: single('payment', jobberPaymentRecordSchema),
  },
  {
    stream: 'products-and-services',
    entities: ['pricebook_item'],
    intervalMs: 60 * MINUTE,
    root: 'productsAndServices',
    mode: { kind: 'listing' },
    nodes: PRODUCT_OR_SERVICE,
    records: single('pricebook_item', jobberProductOrServiceSchema),
  },
  {
    stream: 'requests',
    entities: ['lead'],
    intervalMs: 2 * MINUTE,
    root: 'requests',
    mode: { kind: 'filtered', filterType: 'RequestFilterAttributes' },
    nodes: REQUEST,
    records: single('lead', jobberRequestSchema),
  },
];

/** Every Jobber stream reader, by stream name. */
export const jobberStreamReaders: readonly StreamReader[] = STREAMS.map(
  (spec) => new JobberStreamReader(spec),
);

/** The Jobber read side the extractor drives. */
export const jobberReadSide: ConnectorReadSide = {
  vendor: 'jobber',
  streams: jobberStreamReaders,
  mapper: jobberMapper,
};
