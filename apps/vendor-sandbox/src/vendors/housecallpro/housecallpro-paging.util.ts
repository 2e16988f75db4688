import type { HcpRow } from './housecallpro.renderer';

/*
 * The query handling and paging every list of Housecall Pro's data API shares (the v1 lists in
 * housecallpro-api.routes.ts, the web app's service plans in housecallpro-service-plans.routes.ts).
 */

export const MAX_PAGE_SIZE = 100;

export type Query = Record<string, string | string[] | undefined>;

/** A client error in Housecall Pro's shape (`ErrorResponse`: `{ error: { message } }`). */
export class HcpBadRequest extends Error {}

export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
/** A multi-valued parameter sent as `name=a&name=b` or `name[]=a&name[]=b`. */
export function many(q: Query, name: string): string[] {
  const out: string[] = [];
  for (const key of [name, `${name}[]`]) {
    const v = q[key];
    if (v !== undefined) out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out.flatMap((s) => s.split(',')).filter((s) => s.length > 0);
}
export function positiveInt(q: Query, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = first(q[name]);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new HcpBadRequest(`${name} must be an integer from 1 to ${String(max)}`);
  return n;
}
export function instant(q: Query, name: string): number | undefined {
  const raw = first(q[name]);
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(ms))
    throw new HcpBadRequest(`${name} must be an ISO-8601 date`);
  return ms;
}
/** `expand[]=appointments` (or `expand=appointments`): the jobs' schedules list their appointments. */
export const expandOf = (q: Query): { appointments: boolean } => ({
  appointments: many(q, 'expand').includes('appointments'),
});
export const within = (value: number | null, min: number | undefined, max: number | undefined): boolean =>
  (min === undefined && max === undefined) ||
  (value !== null && (min === undefined || value >= min) && (max === undefined || value <= max));

export type Sortable = { id: number; createdOn: number; modifiedOn: number };
export type SortKeys<R> = Record<string, (r: R) => number | string | null>;

/** Page `page` (1-based) of `rows` sorted by `sort_by` / `sort_direction` (ties by id the same way). */
export function sortedPage<R extends Sortable>(
  q: Query,
  rows: R[],
  sortKeys: SortKeys<R>,
): { pageNo: number; size: number; total: number; slice: R[] } {
  const sortBy = first(q['sort_by']) ?? 'created_at';
  const direction = first(q['sort_direction']) ?? 'desc';
  const by = sortKeys[sortBy];
  if (!by) throw new HcpBadRequest(`sort_by must be one of ${Object.keys(sortKeys).join(', ')}`);
  if (direction !== 'asc' && direction !== 'desc')
    throw new HcpBadRequest('sort_direction must be asc or desc');
  const sign = direction === 'asc' ? 1 : -1;
  const sorted = rows
    .map((r) => ({ r, k: by(r) }))
    .sort((a, b) => {
      const x = a.k ?? '';
      const y = b.k ?? '';
      return (x < y ? -1 : x > y ? 1 : a.r.id - b.r.id) * sign;
    });
  const pageNo = positiveInt(q, 'page', 1);
  const size = positiveInt(q, 'page_size', 10, MAX_PAGE_SIZE);
  const slice = sorted.slice((pageNo - 1) * size, pageNo * size).map((x) => x.r);
  return { pageNo, size, total: sorted.length, slice };
}

/** A v1 list page: `{ page, page_size, total_pages, total_items, <key>[] }`. */
export function page<R extends Sortable>(
  q: Query,
  rows: R[],
  sortKeys: SortKeys<R>,
  render: (r: R) => HcpRow,
  key: string,
): HcpRow {
  const { pageNo, size, total, slice } = sortedPage(q, rows, sortKeys);
  return {
    page: pageNo,
    page_size: size,
    total_pages: Math.ceil(total / size),
    total_items: total,
    [key]: slice.map(render),
  };
}

/** The filter properties of `GET /api/price_book/services` (only `eq`), by the row field each reads. */
const SERVICE_FILTERS: Readonly<Record<string, (row: HcpRow) => unknown>> = {
  online_booking_enabled: (row) => row['online_booking_enabled'],
  managed_by: (row) => row['managed_by'],
  flat_rate_enabled: (row) => row['flat_rate_enabled'],
  taxable: (row) => row['taxable'],
  category: (row) => (row['category'] as { name?: string } | undefined)?.name ?? null,
  organization_industry: (row) => (row['industry'] as { name?: string } | undefined)?.name ?? null,
};

/**
 * `filters[][property]`, `filters[][operator]`, `filters[][value]` (deep-object, in step): one predicate
 * per filter; a property or operator the vendor does not support is refused by name.
 */
export function serviceFilters(q: Query): ((row: HcpRow) => boolean)[] {
  const list = (name: string): string[] => {
    const v = q[`filters[][${name}]`];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const [properties, operators, values] = [list('property'), list('operator'), list('value')];
  if (operators.length !== properties.length || values.length !== properties.length)
    throw new HcpBadRequest('filters need a property, an operator and a value each');
  return properties.map((property, i) => {
    const read = SERVICE_FILTERS[property];
    if (!read)
      throw new HcpBadRequest(`filters property must be one of ${Object.keys(SERVICE_FILTERS).join(', ')}`);
    if (operators[i] !== 'eq') throw new HcpBadRequest('filters operator must be eq');
    const value = values[i];
    return (row: HcpRow) => {
      const v = read(row);
      return typeof v === 'boolean' ? String(v) === value : v === value;
    };
  });
}

export const TIMESTAMPS = {
  created_at: (r: Sortable) => r.createdOn,
  updated_at: (r: Sortable) => r.modifiedOn,
  id: (r: Sortable) => r.id,
};
