import { GraphQLError } from 'graphql';

/** Jobber's page-size cap: `first` above it is refused. */
export const MAX_PAGE_SIZE = 100;
/** Page size (and cost multiplier) when `first` is absent. */
export const DEFAULT_PAGE_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** An element of an ordered collection: sort key parts (`k`) ending with the id. */
export interface Keyed {
  readonly id: number;
}

export type Order<E extends Keyed> = {
  /** The sort key of an element (ascending); the id is always the last part. */
  key(e: E): readonly number[];
  descending: boolean;
};

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  nodes: N[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: () => number;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function encodeCursor(key: readonly number[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64');
}

function decodeCursor(cursor: string, parts: number): readonly number[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (Array.isArray(value) && value.length === parts && value.every((n) => Number.isSafeInteger(n))) {
      return value as number[];
    }
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor: ${cursor}`, { extensions: { code: 'INVALID_CURSOR' } });
}

export function pageSize(args: ConnectionArgs): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE}`, {
      extensions: { code: 'INVALID_ARGUMENT' },
    });
  }
  return first;
}

/**
 * A Relay connection over `sorted` (ascending by `order.key`): the elements strictly after the
 * `after` cursor in the requested direction that `accept` keeps, up to `first`. Cursors carry the sort
 * key of the element (keyset paging): a record that changes while a client pages moves to its new
 * place instead of shifting the others, so paging never skips a record.
 */
export function connectionOf<E extends Keyed, N>(
  sorted: readonly E[],
  order: Order<E>,
  args: ConnectionArgs,
  accept: (e: E) => boolean,
  render: (e: E) => N,
): Connection<N> {
  const first = pageSize(args);
  const parts = sorted.length > 0 ? order.key(sorted[0] as E).length : 1;
  const after = args.after ? decodeCursor(args.after, parts) : null;
  const picked: E[] = [];
  let hasNextPage = false;
  const step = order.descending ? -1 : 1;
  let i: number;
  if (after === null) i = order.descending ? sorted.length - 1 : 0;
  else {
    // first index with key > after (ascending), or last with key < after (descending)
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(order.key(sorted[mid] as E), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
    if (order.descending) {
      i = lo - 1;
      while (i >= 0 && compareKeys(order.key(sorted[i] as E), after) >= 0) i--;
    }
  }
  for (; i >= 0 && i < sorted.length; i += step) {
    const e = sorted[i] as E;
    if (!accept(e)) continue;
    if (picked.length === first) {
      hasNextPage = true;
      break;
    }
    picked.push(e);
  }
  const edges = picked.map((e) => ({ cursor: encodeCursor(order.key(e)), node: render(e) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: () => {
      let n = 0;
      for (const e of sorted) if (accept(e)) n++;
      return n;
    },
  };
}

export const ID_ORDER: Order<Keyed> = { key: (e) => [e.id], descending: false };
