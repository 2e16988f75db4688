import { createHash } from 'node:crypto';
import { normalizeTimestamp, type EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import {
  parseJobberCheckpoint,
  serializeJobberCheckpoint,
  type JobberCheckpoint,
} from '../jobber-checkpoint.util';
import { JobberGraphqlError, jobberGraphql } from '../jobber.client';
import { fitPageSize, renderSelection, type JobberSelection } from '../jobber-query.util';
import type { JobberConnection } from '../jobber.schemas';
import {
  JOBBER_PAGE_COST_BUDGET,
  connectionIn,
  nestedFetcher,
  upperFirst,
  type RestFetcher,
} from './paging.util';
import { isNode } from './wire-record.util';

/*
 * A Jobber stream is one root connection of the GraphQL API (`clients`, `jobs` …), read page by page with
 * a page size fitted to the query cost budget. How a pass resumes depends on what Jobber lets the list do
 * with updatedAt (the stream's mode); the checkpoint is jobber-checkpoint.util.ts's. The streams
 * themselves are described in readers/<family>.reader.ts.
 */

export const MINUTE = 60_000;

/**
 * Quotes and requests can be filtered by updatedAt but not sorted by it, so a record changed behind the
 * cursor during a pass is only seen by the next pass: each pass re-reads this much vendor time before
 * the newest updatedAt it returned (versions already returned, by payload digest, are skipped). A pass
 * must take less vendor time than this for nothing to be missed.
 */
export const JOBBER_UNSORTED_OVERLAP_MS = 10 * 60_000;

type Mode =
  /** `filter: {updatedAt: {after}}` + `sort: UPDATED_AT ASC`: resumes after the last cursor, forever. */
  | { readonly kind: 'sorted'; readonly filterType: string }
  /** `filter: {updatedAt: {after}}` in id order: passes that overlap, with `seen` against repeats. */
  | { readonly kind: 'filtered'; readonly filterType: string }
  /** No updatedAt at all: the whole listing every interval. */
  | { readonly kind: 'listing' };

export interface StreamSpec {
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

export class JobberStreamReader implements StreamReader {
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
