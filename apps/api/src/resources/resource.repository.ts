import { entityTable, type DB } from '@fieldsync/persistence';
import { entitySchemas, type CanonicalEntity } from '@fieldsync/canonical-model';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { decodeCursor, type ListPosition } from './list-cursor.util';
import { DEFAULT_PAGE_SIZE, type ListQuery } from './list-query.schema';
import type { AnyResource } from './resource.types';

export interface StoredDocument {
  readonly document: CanonicalEntity;
  readonly position: ListPosition;
}

export interface ListedPage {
  readonly documents: readonly StoredDocument[];
  /** null on a keyset (cursor) page. */
  readonly total: number | null;
  readonly page: number;
  readonly pageSize: number;
  readonly hasMore: boolean;
}

/** A row of a list statement: the page's rows (none on an empty first page) and, counted, the total. */
interface PageRow {
  readonly id: string | null;
  readonly document: CanonicalEntity;
  readonly position: string;
  readonly total?: string;
}

const nextDay = (date: string): string => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
};
/** Does the list name a technician (one key of the assignment index: at most that technician's rows)? */
const technicianKeyed = (query: ListQuery): boolean =>
  query.technicianId !== undefined || query.assignedUserId !== undefined;

/** Per resource (by name): the document fields its list and get leave out. */
const omittedFields = new Map<string, readonly string[]>();
/**
 * The stored document as a list or get selects it: whole, or for a resource that names the fields its
 * mapping reads (`documentFields`), without the others (a job's line items and custom fields …), removed
 * in SQL from the page's rows only: less for Postgres to send and for pg to parse. `id` and
 * `connectionId` are always kept (the get route checks a session's connection).
 */
function documentOf(resource: AnyResource, alias?: string): RawBuilder<unknown> {
  const column = alias === undefined ? sql.ref('document') : sql.ref(`${alias}.document`);
  if (resource.documentFields === undefined) return column;
  let omitted = omittedFields.get(resource.name);
  if (omitted === undefined) {
    const kept = new Set<string>(['id', 'connectionId', ...resource.documentFields]);
    const schema = entitySchemas[resource.entity] as unknown as { shape: Record<string, unknown> };
    omitted = Object.keys(schema.shape).filter((field) => !kept.has(field));
    omittedFields.set(resource.name, omitted);
  }
  return omitted.length === 0 ? column : sql`(${column} - ${omitted}::text[])`;
}

const isDate = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value);
/** Midnight UTC of a date, or the instant of a timestamp (never the session's time zone). */
const instant = (value: string): RawBuilder<unknown> =>
  isDate(value) ? sql`(${value}::timestamp at time zone 'UTC')` : sql`${value}::timestamptz`;

/**
 * Reads of the canonical store for the REST collections: live rows of one tenant (and optionally one
 * connection), the product pages' filters on the indexed columns, ordered by (updated_at, id) — pages by
 * offset or by keyset cursor. Every query takes the tenant.
 */
export class ResourceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** `excluded`: connections whose vendor role may not read this collection. */
  async list(
    resource: AnyResource,
    tenantId: string,
    query: ListQuery,
    excluded: readonly string[] = [],
  ): Promise<ListedPage> {
    const table = sql.table(entityTable(resource.entity).table);
    const where = this.conditions(resource, tenantId, query);
    if (excluded.length > 0) where.push(sql`connection_id <> all(${[...excluded]})`);
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const pageNumber = query.page ?? 1;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const keyset = after ? [sql`(updated_at, id) > (${after.updatedAt}::timestamptz, ${after.id})`] : [];
    const conditions = sql.join([...where, ...keyset], sql` and `);
    // The page is chosen on narrow rows (id, updated_at: no document is copied into the sort of the matching
    // rows, and without a technician the cursor index answers it alone), then its 51 documents are fetched
    // by id, without the fields the mapping does not read.
    const page = (matching: RawBuilder<unknown>): RawBuilder<unknown> => sql`
      select j.id, ${documentOf(resource, 'j')} as document,
             to_char(j.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position
      from (select id, updated_at from ${matching}
            order by updated_at, id
            limit ${pageSize + 1}
            offset ${after ? 0 : (pageNumber - 1) * pageSize}) chosen
      join ${table} j on j.id = chosen.id and j.tenant_id = ${tenantId}
      order by chosen.updated_at, chosen.id`;
    const all = sql`${table} where ${conditions}`;
    // One round trip: a first (offset) page and its count in one statement (the count's row is there even
    // when the page is empty; `position`, fixed-width UTC, sorts as updated_at does); a keyset page is not
    // counted: counting a million-row tenant costs more than the page itself. A technician's key matches at
    // most that technician's jobs (hundreds to thousands): they are read once, narrow, for the count and the
    // page together; any other filter may match most of the tenant, whose page is cheaper by the cursor
    // index than from every matching row.
    const { rows } = after
      ? await sql<PageRow>`${page(all)}`.execute(this.db)
      : technicianKeyed(query)
        ? await sql<PageRow>`
            with matching as materialized (select id, updated_at from ${all})
            select counted.total, listed.id, listed.document, listed.position
            from (select count(*) as total from matching) counted
            left join lateral (${page(sql`matching`)}) listed on true
            order by listed.position, listed.id`.execute(this.db)
        : await sql<PageRow>`
            select counted.total, listed.id, listed.document, listed.position
            from (select count(*) as total from ${all}) counted
            left join lateral (${page(all)}) listed on true
            order by listed.position, listed.id`.execute(this.db);
    const listed = rows.filter((row): row is PageRow & { id: string } => row.id !== null);
    const documents = listed.slice(0, pageSize).map((row) => ({
      document: row.document,
      position: { updatedAt: row.position, id: row.id },
    }));
    return {
      documents,
      total: after ? null : Number(rows[0]?.total ?? 0),
      page: after ? 1 : pageNumber,
      pageSize,
      hasMore: listed.length > pageSize,
    };
  }

  async get(resource: AnyResource, tenantId: string, id: string): Promise<CanonicalEntity | undefined> {
    const { rows } = await sql<{ document: CanonicalEntity }>`
      select ${documentOf(resource)} as document from ${sql.table(entityTable(resource.entity).table)}
      where tenant_id = ${tenantId} and id = ${id} and deleted_at is null`.execute(this.db);
    return rows[0]?.document;
  }

  private conditions(resource: AnyResource, tenantId: string, query: ListQuery): RawBuilder<unknown>[] {
    const where: RawBuilder<unknown>[] = [sql`tenant_id = ${tenantId}`, sql`deleted_at is null`];
    if (query.connectionId !== undefined) where.push(sql`connection_id = ${query.connectionId}`);
    const technicians = [query.technicianId, query.assignedUserId].filter((t) => t !== undefined);
    // With a technician the status is part of the technician's key (below); a separate `status = …` would
    // lead the planner to intersect the key's few rows with every row of that status (100,000s).
    if (query.status !== undefined && technicians.length === 0) where.push(sql`status = ${query.status}`);
    for (const technician of technicians) {
      // one key of the (tenant, status?, technician) GIN index (migration 20261207000900-assignment-keys):
      // the rows of this technician, with this status when one is asked for, and no others
      where.push(
        sql`assignment_keys(tenant_id, status, technician_ids) @> array[assignment_key(${tenantId}::text, ${query.status ?? null}::text, ${technician}::text)]`,
      );
    }
    if (query.tag !== undefined) where.push(sql`tags @> array[${query.tag}]::text[]`);
    if (query.city !== undefined) where.push(sql`city = ${query.city}`);
    if (query.region !== undefined) where.push(sql`region = ${query.region}`);
    if (query.updatedFrom !== undefined)
      where.push(sql`vendor_updated_at >= ${query.updatedFrom}::timestamptz`);
    if (query.updatedTo !== undefined) where.push(sql`vendor_updated_at <= ${query.updatedTo}::timestamptz`);
    if (resource.dateColumn) {
      // dates are UTC days: [fromDate 00:00, toDate + 1 day 00:00)
      const column = sql.ref(resource.dateColumn);
      const bound =
        resource.dateColumn === 'issued_on'
          ? (date: string) => sql`${date}::date`
          : (date: string) => instant(date);
      if (query.fromDate !== undefined) where.push(sql`${column} >= ${bound(query.fromDate)}`);
      if (query.toDate !== undefined) where.push(sql`${column} < ${bound(nextDay(query.toDate))}`);
    }
    if (query.scheduledFrom !== undefined)
      where.push(sql`scheduled_start >= ${instant(query.scheduledFrom)}`);
    if (query.scheduledTo !== undefined) {
      where.push(
        isDate(query.scheduledTo)
          ? sql`scheduled_start < ${instant(nextDay(query.scheduledTo))}`
          : sql`scheduled_start <= ${instant(query.scheduledTo)}`,
      );
    }
    return where;
  }
}
