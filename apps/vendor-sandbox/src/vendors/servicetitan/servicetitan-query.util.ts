import { DEFAULT_PAGE_SIZE, MAX_IDS, MAX_PAGE_SIZE } from './servicetitan-api.constants';
import { fieldProblem, type ServiceTitanProblem } from './servicetitan-problem.util';

export type Query = Readonly<Record<string, string | string[] | undefined>>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ServiceTitanProblem };

export type ActiveFilter = 'True' | 'Any' | 'False';
export type SortField = 'Id' | 'ModifiedOn' | 'CreatedOn';
export interface SortOrder {
  readonly field: SortField;
  readonly descending: boolean;
}

/** The paging and filter parameters every v2 list shares, parsed and checked. */
export interface ListQuery {
  readonly page: number;
  readonly pageSize: number;
  readonly includeTotal: boolean;
  readonly ids: ReadonlySet<number> | null;
  readonly sort: SortOrder;
  readonly createdOnOrAfter?: number;
  readonly createdBefore?: number;
  readonly modifiedOnOrAfter?: number;
  readonly modifiedBefore?: number;
  readonly active: ActiveFilter;
}

/** RFC 3339 date-time (ServiceTitan: UTC; an offset is accepted and converted). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** One value of a query parameter (the last one when repeated). */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return value[value.length - 1];
  return value === '' ? undefined : value;
}

export function parseDateTime(value: string): number | undefined {
  if (!RFC3339.test(value) && !DATE_ONLY.test(value)) return undefined;
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseInteger(
  query: Query,
  name: string,
  range: { min: number; max: number },
): Parsed<number | undefined> {
  const raw = single(query, name);
  if (raw === undefined) return { ok: true, value: undefined };
  const n = /^-?\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    return {
      ok: false,
      problem: fieldProblem(name, `The value '${raw}' is not valid for ${name} (${range.min}–${range.max}).`),
    };
  }
  return { ok: true, value: n };
}

export function parseBoolean(query: Query, name: string): Parsed<boolean | undefined> {
  const raw = single(query, name);
  if (raw === undefined) return { ok: true, value: undefined };
  const lower = raw.toLowerCase();
  if (lower !== 'true' && lower !== 'false') {
    return { ok: false, problem: fieldProblem(name, `The value '${raw}' is not valid for ${name}.`) };
  }
  return { ok: true, value: lower === 'true' };
}

export function parseDate(query: Query, name: string): Parsed<number | undefined> {
  const raw = single(query, name);
  if (raw === undefined) return { ok: true, value: undefined };
  const ms = parseDateTime(raw);
  if (ms === undefined) {
    return {
      ok: false,
      problem: fieldProblem(
        name,
        `The value '${raw}' is not valid for ${name}: expected an RFC 3339 date-time.`,
      ),
    };
  }
  return { ok: true, value: ms };
}

/** A comma-separated id list (`ids`, `appointmentIds`, …): at most `max` ids. */
export function parseIdList(query: Query, name: string, max = MAX_IDS): Parsed<ReadonlySet<number> | null> {
  const raw = single(query, name);
  if (raw === undefined) return { ok: true, value: null };
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const ids = parts.map(Number);
  if (ids.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    return { ok: false, problem: fieldProblem(name, `The value '${raw}' is not a list of ids.`) };
  }
  if (ids.length > max) {
    return { ok: false, problem: fieldProblem(name, `At most ${max} ids can be requested at once.`) };
  }
  return { ok: true, value: new Set(ids) };
}

function parseSort(query: Query, fields: readonly SortField[]): Parsed<SortOrder> {
  const raw = single(query, 'sort');
  if (raw === undefined) return { ok: true, value: { field: 'Id', descending: false } };
  // A '+' in a query string decodes to a space: "?sort=+Id" arrives as " Id".
  const match = /^([+ -]?)(\w+)$/.exec(raw.trim() === raw ? raw : ` ${raw.trim()}`);
  const field = fields.find((f) => f.toLowerCase() === match?.[2]?.toLowerCase());
  if (!match || !field) {
    return {
      ok: false,
      problem: fieldProblem(
        'sort',
        `Sort by ${raw} is not supported. Available fields are: ${fields.join(', ')}.`,
      ),
    };
  }
  return { ok: true, value: { field, descending: match[1] === '-' } };
}

/** `orderBy` + `orderByDirection` (accounting and sales lists use these instead of `sort`). */
function parseOrderBy(query: Query, fields: readonly SortField[]): Parsed<SortOrder> {
  const by = single(query, 'orderBy');
  const direction = single(query, 'orderByDirection');
  const field = by === undefined ? 'Id' : fields.find((f) => f.toLowerCase() === by.toLowerCase());
  if (!field)
    return { ok: false, problem: fieldProblem('orderBy', `Order by ${by ?? ''} is not supported.`) };
  if (direction !== undefined && !/^(asc|desc)$/i.test(direction)) {
    return { ok: false, problem: fieldProblem('orderByDirection', `The value '${direction}' is not valid.`) };
  }
  return { ok: true, value: { field, descending: direction?.toLowerCase() === 'desc' } };
}

export interface ListCapabilities {
  /** How the list is ordered: `sort=±Field`, `orderBy`/`orderByDirection`, or not at all (id order). */
  readonly sort: 'sort' | 'orderBy' | null;
  /** Whether the list takes `active` (True by default) — otherwise deleted rows are hidden. */
  readonly active: boolean;
  /** Which of the four date filters the operation declares. */
  readonly dateFilters: readonly (
    'createdOnOrAfter' | 'createdBefore' | 'modifiedOnOrAfter' | 'modifiedBefore'
  )[];
}

export const ALL_DATE_FILTERS = [
  'createdOnOrAfter',
  'createdBefore',
  'modifiedOnOrAfter',
  'modifiedBefore',
] as const;
const SORT_FIELDS: readonly SortField[] = ['Id', 'ModifiedOn', 'CreatedOn'];

/** Parses the shared list parameters; the first invalid one is a 400 naming it. */
export function parseListQuery(query: Query, caps: ListCapabilities): Parsed<ListQuery> {
  const page = parseInteger(query, 'page', { min: 1, max: 1_000_000_000 });
  if (!page.ok) return page;
  const pageSize = parseInteger(query, 'pageSize', { min: 1, max: MAX_PAGE_SIZE });
  if (!pageSize.ok) return pageSize;
  const includeTotal = parseBoolean(query, 'includeTotal');
  if (!includeTotal.ok) return includeTotal;
  const ids = parseIdList(query, 'ids');
  if (!ids.ok) return ids;
  const sort =
    caps.sort === 'sort'
      ? parseSort(query, SORT_FIELDS)
      : caps.sort === 'orderBy'
        ? parseOrderBy(query, SORT_FIELDS)
        : ({ ok: true, value: { field: 'Id', descending: false } } as const);
  if (!sort.ok) return sort;
  const dates: Partial<Record<(typeof ALL_DATE_FILTERS)[number], number>> = {};
  for (const name of caps.dateFilters) {
    const parsed = parseDate(query, name);
    if (!parsed.ok) return parsed;
    if (parsed.value !== undefined) dates[name] = parsed.value;
  }
  let active: ActiveFilter = 'True';
  if (caps.active) {
    const raw = single(query, 'active');
    if (raw !== undefined) {
      const found = (['True', 'Any', 'False'] as const).find((v) => v.toLowerCase() === raw.toLowerCase());
      if (!found) {
        return {
          ok: false,
          problem: fieldProblem('active', `The value '${raw}' is not valid. Values: [True, Any, False].`),
        };
      }
      active = found;
    }
  }
  return {
    ok: true,
    value: {
      page: page.value ?? 1,
      pageSize: pageSize.value ?? DEFAULT_PAGE_SIZE,
      includeTotal: includeTotal.value ?? false,
      ids: ids.value,
      sort: sort.value,
      ...dates,
      active,
    },
  };
}
