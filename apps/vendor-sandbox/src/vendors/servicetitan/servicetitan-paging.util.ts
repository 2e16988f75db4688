import type { StoredRecord, World, WorldEntity, WorldStore } from '@fieldsync/sandbox-world';
import { decodeContinueFrom, encodeContinueFrom } from './servicetitan-export-token.util';
import { fieldProblem } from './servicetitan-problem.util';
import {
  parseBoolean,
  parseDateTime,
  single,
  type ListQuery,
  type Parsed,
  type Query,
} from './servicetitan-query.util';
import type { RowFilter, ServiceTitanResource } from './servicetitan-resources';
import { ServiceTitanRenderer, type WireRow } from './servicetitan.renderer';

type AnyRecord = StoredRecord<WorldEntity>;

export interface ListPage {
  readonly page: number;
  readonly pageSize: number;
  readonly hasMore: boolean;
  readonly totalCount: number | null;
  readonly data: WireRow[];
}

/** The rows a list shows by default: `active` as asked where the operation has it, else not deleted. */
function visibility(resource: ServiceTitanResource, q: ListQuery): RowFilter {
  if (!resource.caps.active) return (r) => r.deletedOn === null;
  if (q.active === 'Any') return () => true;
  if (q.active === 'False') return (r) => !r.active;
  return (r) => r.active && r.deletedOn === null;
}

function compare(q: ListQuery): (a: AnyRecord, b: AnyRecord) => number {
  const key =
    q.sort.field === 'ModifiedOn'
      ? (r: AnyRecord) => r.modifiedOn
      : q.sort.field === 'CreatedOn'
        ? (r: AnyRecord) => r.createdOn
        : (r: AnyRecord) => r.id;
  const sign = q.sort.descending ? -1 : 1;
  return (a, b) => sign * (key(a) - key(b) || a.id - b.id);
}

/**
 * One page of a list: the records the resource shows that pass every filter, in the requested order
 * (ties broken by id), `(page − 1) × pageSize` skipped. Ascending id and modifiedOn orders stream from
 * the store's indexes; other orders sort the matches.
 */
export function listPage(
  store: WorldStore,
  renderer: ServiceTitanRenderer,
  resource: ServiceTitanResource,
  q: ListQuery,
  extra: readonly RowFilter[],
): ListPage {
  const filters: RowFilter[] = [visibility(resource, q), ...extra];
  if (resource.scope) filters.push(resource.scope);
  const ids = q.ids;
  if (ids) filters.push((r) => ids.has(r.id));
  const { createdOnOrAfter, createdBefore, modifiedOnOrAfter, modifiedBefore } = q;
  if (createdOnOrAfter !== undefined) filters.push((r) => r.createdOn >= createdOnOrAfter);
  if (createdBefore !== undefined) filters.push((r) => r.createdOn < createdBefore);
  if (modifiedOnOrAfter !== undefined) filters.push((r) => r.modifiedOn >= modifiedOnOrAfter);
  if (modifiedBefore !== undefined) filters.push((r) => r.modifiedOn < modifiedBefore);
  const accept = (r: AnyRecord): boolean => filters.every((f) => f(r));

  let source: Iterable<AnyRecord>;
  if (ids) {
    source = [...ids]
      .map((id) => store.get(resource.entity, id))
      .filter((r): r is AnyRecord => r !== undefined)
      .sort(compare(q));
  } else if (q.sort.field === 'ModifiedOn' && !q.sort.descending) {
    source = store.iterateByModified(resource.entity, { modifiedOnOrAfter, modifiedBefore });
  } else if (q.sort.field === 'Id' && !q.sort.descending) {
    source = store.all(resource.entity);
  } else {
    const matches: AnyRecord[] = [];
    for (const r of store.all(resource.entity)) if (accept(r)) matches.push(r);
    source = matches.sort(compare(q));
  }

  const skip = (q.page - 1) * q.pageSize;
  const data: WireRow[] = [];
  let seen = 0;
  let hasMore = false;
  for (const record of source) {
    if (!accept(record)) continue;
    seen++;
    if (seen <= skip) continue;
    if (data.length < q.pageSize) data.push(resource.render(renderer, record));
    else {
      hasMore = true;
      if (!q.includeTotal) break;
    }
  }
  return { page: q.page, pageSize: q.pageSize, hasMore, totalCount: q.includeTotal ? seen : null, data };
}

/** An export row: the list row plus `active` where the list row has none (deleted rows are inactive). */
export function exportRow(
  renderer: ServiceTitanRenderer,
  resource: ServiceTitanResource,
  record: AnyRecord,
): WireRow {
  const row = resource.render(renderer, record);
  return resource.activeField ? row : { ...row, active: record.active && record.deletedOn === null };
}

export interface ExportPage {
  readonly hasMore: boolean;
  readonly continueFrom: string;
  readonly data: WireRow[];
}

/** rowVersion just before the first change of the entity at or after `at` (epoch ms). */
function rowVersionBefore(store: WorldStore, entity: WorldEntity, at: number): number {
  let before = 0;
  for (const change of store.changeLog(entity)) {
    if (change.modifiedOn >= at) break;
    before = change.rowVersion;
  }
  return before;
}

/**
 * One batch of an export feed: every record written after the `from` position (a `continueFrom` token
 * or a date), inactive and deleted ones included, each once in its latest state, in change order.
 */
export function exportPage(
  store: WorldStore,
  renderer: ServiceTitanRenderer,
  resource: ServiceTitanResource,
  query: Query,
  batchSize: number,
): Parsed<ExportPage> {
  const recent = parseBoolean(query, 'includeRecentChanges');
  if (!recent.ok) return recent;
  const from = single(query, 'from');
  let after = 0;
  if (from !== undefined) {
    const token = decodeContinueFrom(resource.key, from);
    const date = token === undefined ? parseDateTime(from) : undefined;
    if (token === undefined && date === undefined) {
      return {
        ok: false,
        problem: fieldProblem(
          'from',
          `'${from}' is neither a continueFrom token of this export nor a date-time.`,
        ),
      };
    }
    after = token ?? rowVersionBefore(store, resource.entity, date as number);
  }
  const data: WireRow[] = [];
  let continueFrom = after;
  let hasMore = true;
  while (data.length < batchSize && hasMore) {
    const changes = store.changesSince(resource.entity, continueFrom, batchSize - data.length);
    for (const record of changes.records) {
      if (!resource.scope || resource.scope(record)) data.push(exportRow(renderer, resource, record));
    }
    continueFrom = changes.continueFrom;
    hasMore = changes.hasMore;
  }
  return { ok: true, value: { hasMore, continueFrom: encodeContinueFrom(resource.key, continueFrom), data } };
}

/** Ground truth of a resource: every record it shows, inactive and deleted included, in id order. */
export function groundTruthRows(world: World, resource: ServiceTitanResource): WireRow[] {
  const renderer = new ServiceTitanRenderer(world.store);
  const rows: WireRow[] = [];
  for (const record of world.store.all(resource.entity)) {
    if (!resource.scope || resource.scope(record)) rows.push(exportRow(renderer, resource, record));
  }
  return rows;
}
