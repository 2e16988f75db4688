/*
 * The readers' GraphQL selections as data, so that one description gives both the query text and its
 * requested cost under Jobber's rules (api_rate_limits): every field costs 1 point, `nodes` costs
 * nothing itself, a connection costs 1 + first × (its selection), and connections nested in nodes
 * multiply again. The page size of each query is then the largest `first` that fits the budget.
 */

/** A connection field: `name(first: N, <args>) { nodes { … } pageInfo { hasNextPage endCursor } }`. */
export interface JobberConnectionField {
  readonly name: string;
  /** A fixed page size, or `$first` for the query's own page size variable. */
  readonly first: number | '$first';
  /** More arguments, as GraphQL text (`after: $after, filter: $filter`). */
  readonly args?: string;
  readonly nodes: JobberSelection;
  /** Also select the connection's `totalCount` (1 point). */
  readonly totalCount?: boolean;
}

/** An object field: `name { … }`. */
export interface JobberObjectField {
  readonly name: string;
  readonly args?: string;
  readonly fields: JobberSelection;
}

export type JobberField = string | JobberObjectField | JobberConnectionField;
export type JobberSelection = readonly JobberField[];

/** Jobber's page-size cap. */
export const JOBBER_MAX_PAGE_SIZE = 100;

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';
/** `pageInfo { hasNextPage endCursor }`: 1 + 2, multiplied with the nodes by `first`. */
const PAGE_INFO_COST = 3;

const isConnection = (field: JobberObjectField | JobberConnectionField): field is JobberConnectionField =>
  'nodes' in field;

/** The selection as GraphQL text. */
export function renderSelection(selection: JobberSelection): string {
  return selection
    .map((field) => {
      if (typeof field === 'string') return field;
      if (isConnection(field)) {
        const args = [`first: ${String(field.first)}`, ...(field.args ? [field.args] : [])].join(', ');
        const count = field.totalCount ? ' totalCount' : '';
        return `${field.name}(${args}) { nodes { ${renderSelection(field.nodes)} } ${PAGE_INFO}${count} }`;
      }
      const args = field.args ? `(${field.args})` : '';
      return `${field.name}${args} { ${renderSelection(field.fields)} }`;
    })
    .join(' ');
}

/** The requested cost of the selection, `$first` standing for `first`. */
export function selectionCost(selection: JobberSelection, first: number): number {
  let total = 0;
  for (const field of selection) {
    if (typeof field === 'string') total += 1;
    else if (isConnection(field)) {
      const size = field.first === '$first' ? first : field.first;
      total += 1 + size * (selectionCost(field.nodes, first) + PAGE_INFO_COST) + (field.totalCount ? 1 : 0);
    } else total += 1 + selectionCost(field.fields, first);
  }
  return total;
}

/**
 * The largest page size (1…100) whose requested cost stays within `budget`. A selection whose single
 * node already costs more than the budget is a programming error (the query must be cut down).
 */
export function fitPageSize(selection: JobberSelection, budget: number): number {
  if (selectionCost(selection, 1) > budget) {
    throw new RangeError(
      `a page of one node costs ${selectionCost(selection, 1)} points, over the budget of ${budget}`,
    );
  }
  let first = 1;
  while (first < JOBBER_MAX_PAGE_SIZE && selectionCost(selection, first + 1) <= budget) first += 1;
  return first;
}
