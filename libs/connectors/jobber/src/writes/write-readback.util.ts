import { normalizeTimestamp, type EntityType } from '@fieldsync/canonical-model';
import type { SyncContext, VendorRecord, WriteContext } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { JobberGraphqlError, jobberGraphql } from '../jobber.client';
import { fitPageSize, renderSelection, type JobberSelection } from '../jobber-query.util';
import { completeNested, JOBBER_PAGE_COST_BUDGET } from '../readers/paging.util';
import { validatedRecord } from '../readers/wire-record.util';
import {
  jobberClientSchema,
  jobberConnectionSchema,
  jobberInvoiceSchema,
  jobberJobSchema,
  jobberPaymentRecordSchema,
  jobberPropertySchema,
  jobberQuoteSchema,
  jobberVisitSchema,
  type JobberClient,
  type JobberInvoice,
  type JobberJob,
  type JobberPaymentRecord,
  type JobberProperty,
  type JobberQuote,
  type JobberVisit,
} from '../jobber.schemas';
import {
  CLIENT,
  ID,
  INVOICE,
  JOB,
  LINE_ITEM,
  PAYMENT_RECORD,
  PROPERTY,
  QUOTE,
  TAG,
  VISIT,
} from '../jobber-selections';

/*
 * The write side's reads: the records a command created or changed, read back by id with the readers'
 * selections and wire schemas (so the writer maps them with the same mapper and stores what the next
 * poll reads), and the searches `find` runs for a command's marker.
 * The selections are the readers' (jobber-selections.ts).
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

/** How far before the first attempt `find` looks (clock skew, whole-second updatedAt). */
const FIND_SLACK_MS = 2 * 60_000;

/**
 * The lower bound of a `find` search: the command's first attempt less FIND_SLACK_MS (Jobber's updatedAt
 * has whole seconds and its `updatedAt.after` filter is exclusive).
 */
export const findSince = (ctx: WriteContext): Date => new Date(ctx.firstAttemptAt.getTime() - FIND_SLACK_MS);

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A read-back node against its wire schema; a node that does not fit is drift the write cannot hand on. */
export function recordOf(
  entity: EntityType,
  schema: z.ZodType,
  raw: unknown,
  operation: string,
): WriteRecord {
  const record = validatedRecord(entity, schema, raw);
  if (record.kind === 'record') return record;
  throw new JobberGraphqlError(
    operation,
    ['DRIFT'],
    `Jobber ${operation}: the ${entity} read back does not fit the wire schema (${record.issues
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')})`,
  );
}

/** `query <operation>($id: EncodedId!) { <root>(id: $id) { … } }`: the node, or null when Jobber has none. */
export async function readNode(
  ctx: SyncContext,
  root: string,
  id: string,
  fields: JobberSelection,
): Promise<Node | null> {
  const operation = `FieldsyncWriteRead${upperFirst(root)}`;
  const text = `query ${operation}($id: EncodedId!) { ${renderSelection([{ name: root, args: 'id: $id', fields }])} }`;
  const { data } = await jobberGraphql(ctx, operation, text, { id });
  const node = data[root];
  return isNode(node) ? node : null;
}

const nodesOf = (value: unknown): unknown[] => {
  const connection = jobberConnectionSchema.safeParse(value);
  return connection.success ? connection.data.nodes : [];
};

function gone(operation: string, what: string): never {
  throw new JobberGraphqlError(
    operation,
    ['NOT_FOUND'],
    `Jobber ${operation}: ${what} is not there to read back`,
  );
}

export interface ClientRead {
  readonly client: JobberClient;
  readonly properties: readonly JobberProperty[];
  /** The customer first, then its locations (as the clients stream yields them). */
  readonly records: readonly WriteRecord[];
}

export async function readClient(ctx: SyncContext, id: string): Promise<ClientRead> {
  const node = (await readNode(ctx, 'client', id, CLIENT)) ?? gone('client', `client ${id}`);
  const tagged = await completeNested(ctx, node, 'client', 'tags', TAG);
  const full = await completeNested(ctx, tagged, 'client', 'clientProperties', PROPERTY);
  const { clientProperties, ...client } = full;
  const customer = recordOf('customer', jobberClientSchema, client, 'client');
  const locations = nodesOf(clientProperties).map((p) =>
    recordOf('location', jobberPropertySchema, p, 'client'),
  );
  return {
    client: customer.raw as JobberClient,
    properties: locations.map((l) => l.raw as JobberProperty),
    records: [customer, ...locations],
  };
}

export interface JobRead {
  readonly job: JobberJob;
  readonly visits: readonly JobberVisit[];
  /** The job first, then its visits (as the jobs stream yields them). */
  readonly records: readonly WriteRecord[];
}

export async function readJob(ctx: SyncContext, id: string): Promise<JobRead> {
  const node = (await readNode(ctx, 'job', id, JOB)) ?? gone('job', `job ${id}`);
  const job = await completeNested(ctx, node, 'job', 'visits', VISIT);
  const visits: unknown[] = [];
  for (const visit of nodesOf(job['visits'])) {
    visits.push(isNode(visit) ? await completeNested(ctx, visit, 'visit', 'assignedUsers', ID) : visit);
  }
  const withVisits = isNode(job['visits']) ? { ...job, visits: { ...job['visits'], nodes: visits } } : job;
  const jobRecord = recordOf('job', jobberJobSchema, withVisits, 'job');
  const visitRecords = visits.map((v) => recordOf('appointment', jobberVisitSchema, v, 'job'));
  return {
    job: jobRecord.raw as JobberJob,
    visits: visitRecords.map((v) => v.raw as JobberVisit),
    records: [jobRecord, ...visitRecords],
  };
}

export async function readQuote(
  ctx: SyncContext,
  id: string,
): Promise<{ quote: JobberQuote; record: WriteRecord }> {
  const node = (await readNode(ctx, 'quote', id, QUOTE)) ?? gone('quote', `quote ${id}`);
  const record = recordOf(
    'estimate',
    jobberQuoteSchema,
    await completeNested(ctx, node, 'quote', 'lineItems', LINE_ITEM),
    'quote',
  );
  return { quote: record.raw as JobberQuote, record };
}

export async function readInvoice(
  ctx: SyncContext,
  id: string,
): Promise<{ invoice: JobberInvoice; record: WriteRecord }> {
  const node = (await readNode(ctx, 'invoice', id, INVOICE)) ?? gone('invoice', `invoice ${id}`);
  const record = recordOf(
    'invoice',
    jobberInvoiceSchema,
    await completeNested(ctx, node, 'invoice', 'lineItems', LINE_ITEM),
    'invoice',
  );
  return { invoice: record.raw as JobberInvoice, record };
}

export async function readPayment(
  ctx: SyncContext,
  id: string,
): Promise<{ payment: JobberPaymentRecord; record: WriteRecord }> {
  const node =
    (await readNode(ctx, 'paymentRecord', id, PAYMENT_RECORD)) ?? gone('paymentRecord', `payment ${id}`);
  const record = recordOf('payment', jobberPaymentRecordSchema, node, 'paymentRecord');
  return { payment: record.raw as JobberPaymentRecord, record };
}

/** Pages a search may read before giving up (each ≤ the page budget): a find is not a backfill. */
const MAX_SEARCH_PAGES = 20;

/**
 * The nodes of a root connection (`jobs`, `clients`, `quotes`, `invoices`) updated after `since`, with a
 * small selection: where `find` looks for a command's marker. Jobber's updatedAt has whole seconds and
 * the filter is exclusive, so the caller passes a bound well before the first attempt.
 */
export async function updatedSince(
  ctx: SyncContext,
  root: 'clients' | 'jobs' | 'quotes' | 'invoices',
  filterType: string,
  nodes: JobberSelection,
  since: Date,
): Promise<Node[]> {
  const operation = `FieldsyncWriteFind${upperFirst(root)}`;
  const selection: JobberSelection = [
    { name: root, first: '$first', args: 'after: $after, filter: $filter', nodes },
  ];
  const first = fitPageSize(selection, JOBBER_PAGE_COST_BUDGET);
  const text = `query ${operation}($first: Int!, $after: String, $filter: ${filterType}) { ${renderSelection(selection)} }`;
  const filter = { updatedAt: { after: normalizeTimestamp(since) } };
  const out: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
    const { data } = await jobberGraphql(ctx, operation, text, { first, after, filter });
    const connection = jobberConnectionSchema.safeParse(data[root]);
    if (!connection.success) {
      throw new JobberGraphqlError(
        operation,
        [],
        `Jobber ${operation}: ${root} is not a readable connection`,
      );
    }
    out.push(...connection.data.nodes.filter(isNode));
    const { hasNextPage, endCursor } = connection.data.pageInfo;
    if (!hasNextPage || endCursor === null) return out;
    after = endCursor;
  }
  throw new JobberGraphqlError(
    operation,
    [],
    `Jobber ${operation}: more than ${MAX_SEARCH_PAGES} pages of ${root} changed since ${normalizeTimestamp(since)}`,
  );
}

/** The scheduled visits overlapping [start, end), with their crews (for bookings). */
export async function visitsOverlapping(
  ctx: SyncContext,
  start: string,
  end: string,
): Promise<{ id: string; startAt: string; endAt: string; users: string[] }[]> {
  const operation = 'FieldsyncWriteVisitsInWindow';
  const nodes: JobberSelection = ['id', 'startAt', 'endAt', { name: 'assignedUsers', first: 20, nodes: ID }];
  const selection: JobberSelection = [
    { name: 'visits', first: '$first', args: 'after: $after, filter: $filter', nodes },
  ];
  const first = fitPageSize(selection, JOBBER_PAGE_COST_BUDGET);
  const text = `query ${operation}($first: Int!, $after: String, $filter: VisitFilterAttributes) { ${renderSelection(selection)} }`;
  // Overlap: starts before the window ends and ends after it starts (both bounds exclusive).
  const filter = { startAt: { before: end }, endAt: { after: start } };
  const out: { id: string; startAt: string; endAt: string; users: string[] }[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
    const { data } = await jobberGraphql(ctx, operation, text, { first, after, filter });
    const connection = jobberConnectionSchema.safeParse(data['visits']);
    if (!connection.success) {
      throw new JobberGraphqlError(operation, [], `Jobber ${operation}: visits is not a readable connection`);
    }
    for (const node of connection.data.nodes) {
      if (!isNode(node) || typeof node['id'] !== 'string') continue;
      const { startAt, endAt } = node;
      if (typeof startAt !== 'string' || typeof endAt !== 'string') continue;
      const users = nodesOf(node['assignedUsers'])
        .map((u) => (isNode(u) ? u['id'] : undefined))
        .filter((u): u is string => typeof u === 'string');
      out.push({ id: node['id'], startAt, endAt, users });
    }
    const { hasNextPage, endCursor } = connection.data.pageInfo;
    if (!hasNextPage || endCursor === null) return out;
    after = endCursor;
  }
  throw new JobberGraphqlError(operation, [], `Jobber ${operation}: too many visits in ${start}–${end}`);
}
