import { entityTable, type DB } from '@fieldsync/persistence';
import type { EntityOf, EntityType } from '@fieldsync/canonical-model';
import { sql, type Kysely } from 'kysely';

/**
 * Batch look-ups of one tenant's live canonical documents, for the nested parts of a page (a job's client,
 * technicians and visits; a customer's locations and memberships). One query per kind and page, never one
 * per item, and always within the caller's tenant.
 */
export class RelatedDocuments {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly tenantId: string,
  ) {}

  /** Documents by canonical id. */
  async byId<E extends EntityType>(
    entity: E,
    ids: readonly (string | null)[],
  ): Promise<Map<string, EntityOf<E>>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const { rows } = await sql<{ id: string; document: EntityOf<E> }>`
      select id, document from ${sql.table(entityTable(entity).table)}
      where tenant_id = ${this.tenantId} and deleted_at is null and id = any(${wanted})`.execute(this.db);
    return new Map(rows.map((row) => [row.id, row.document]));
  }

  /** Documents whose filter column (`customer_id`, `job_id` …) is one of `values`, grouped by it, in id order. */
  async byColumn<E extends EntityType>(
    entity: E,
    column: string,
    values: readonly string[],
  ): Promise<Map<string, EntityOf<E>[]>> {
    const grouped = new Map<string, EntityOf<E>[]>();
    const wanted = [...new Set(values)];
    if (wanted.length === 0) return grouped;
    const { rows } = await sql<{ key: string; document: EntityOf<E> }>`
      select ${sql.ref(column)} as key, document from ${sql.table(entityTable(entity).table)}
      where tenant_id = ${this.tenantId} and deleted_at is null and ${sql.ref(column)} = any(${wanted})
      order by id`.execute(this.db);
    for (const row of rows) grouped.set(row.key, [...(grouped.get(row.key) ?? []), row.document]);
    return grouped;
  }
}
