import type { SyncContext } from '@fieldsync/connector-kit';
import { JobberGraphqlError, jobberGraphql } from '../jobber.client';
import { fitPageSize, renderSelection, type JobberSelection } from '../jobber-query.util';
import { jobberConnectionSchema, type JobberConnection } from '../jobber.schemas';
import { isNode, type Node } from './wire-record.util';

/*
 * Relay connections, the way every Jobber list pages: a root connection read page by page (stream.reader.ts),
 * and the connections nested in its nodes (a client's properties, a job's visits, a document's lines),
 * read to their end after the node's first page so that a record is complete before it is validated.
 */

/**
 * Requested query cost allowed per page: half of Jobber's 10,000-point bucket, so a page never waits for
 * a full bucket and a second stream of the same account can still take one. Page sizes follow from it.
 */
export const JOBBER_PAGE_COST_BUDGET = 5_000;

export const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Fetches what a nested connection holds after its first page. */
export type RestFetcher = (
  parent: 'client' | 'job' | 'visit' | 'quote' | 'invoice',
  id: string,
  field: string,
  nodes: JobberSelection,
  after: string,
) => Promise<unknown[]>;

/** `data[field]` as a connection; one that cannot be read fails the call, naming the field. */
export function connectionIn(
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

/**
 * `node[field]` with every page of the nested connection merged in (fetched when it says there is
 * more). A connection that cannot be read is left as it is: validation reports it as drift.
 */
export async function complete(
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
export function nestedFetcher(ctx: SyncContext): RestFetcher {
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

/** The nodes of a connection value, none when it is not one. */
export function nodesOf(value: unknown): unknown[] {
  const connection = jobberConnectionSchema.safeParse(value);
  return connection.success ? connection.data.nodes : [];
}
