import { entityTable, type DB } from '@fieldsync/persistence';
import type { CanonicalEntity, EntityOf, EntityType } from '@fieldsync/canonical-model';
import { sql, type Kysely, type RawBuilder } from 'kysely';

/** One look-up of a batch: the documents of `entity` whose `column` is one of `values`. */
interface Lookup {
  readonly entity: EntityType;
  readonly column: string;
  readonly values: readonly string[];
  /** The document's fields the caller reads (all when undefined): what Postgres sends and pg parses. */
  readonly fields: readonly string[] | undefined;
  readonly resolve: (rows: { key: string; document: CanonicalEntity }[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batch look-ups of one tenant's live canonical documents, for the nested parts of a page (a job's client,
 * technicians and visits; a customer's locations and memberships). Never one query per item, always within
 * the caller's tenant, and one round trip per page: the look-ups a projection asks for together (in the
 * same tick, as `Promise.all([byId(…), byColumn(…)])` does) go to Postgres as one `union all` statement.
 */
export class RelatedDocuments {
  private pending: Lookup[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly tenantId: string,
  ) {}

  /** Documents by canonical id. */
  async byId<E extends EntityType>(
    entity: E,
    ids: readonly (string | null)[],
  ): Promise<Map<string, EntityOf<E>>>;
  /** Documents by canonical id, with only `fields` (a nested summary needs a few of a large document's). */
  async byId<E extends EntityType, K extends keyof EntityOf<E> & string>(
    entity: E,
    ids: readonly (string | null)[],
    fields: readonly K[],
  ): Promise<Map<string, Pick<EntityOf<E>, K>>>;
  async byId<E extends EntityType>(
    entity: E,
    ids: readonly (string | null)[],
    fields?: readonly string[],
  ): Promise<Map<string, EntityOf<E>>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.lookUp(entity, 'id', wanted, fields);
    return new Map(rows.map((row) => [row.key, row.document as EntityOf<E>]));
  }

  /** Documents whose filter column (`customer_id`, `job_id` …) is one of `values`, grouped by it, in id order. */
  async byColumn<E extends EntityType>(
    entity: E,
    column: string,
    values: readonly string[],
  ): Promise<Map<string, EntityOf<E>[]>>;
  /** The same with only `fields` of each document. */
  async byColumn<E extends EntityType, K extends keyof EntityOf<E> & string>(
    entity: E,
    column: string,
    values: readonly string[],
    fields: readonly K[],
  ): Promise<Map<string, Pick<EntityOf<E>, K>[]>>;
  async byColumn<E extends EntityType>(
    entity: E,
    column: string,
    values: readonly string[],
    fields?: readonly string[],
  ): Promise<Map<string, EntityOf<E>[]>> {
    const grouped = new Map<string, EntityOf<E>[]>();
    const wanted = [...new Set(values)];
    if (wanted.length === 0) return grouped;
    for (const row of await this.lookUp(entity, column, wanted, fields)) {
      const group = grouped.get(row.key);
      if (group) group.push(row.document as EntityOf<E>);
      else grouped.set(row.key, [row.document as EntityOf<E>]);
    }
    return grouped;
  }

  private lookUp(
    entity: EntityType,
    column: string,
    values: readonly string[],
    fields?: readonly string[],
  ): Promise<{ key: string; document: CanonicalEntity }[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ entity, column, values, fields, resolve, reject });
      // the first look-up of a tick schedules the batch; the others of the tick join it
      if (this.pending.length === 1) queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const selects: RawBuilder<unknown>[] = batch.map(
      (lookup, index) => sql`
        (select ${index}::int as lookup, ${sql.ref(lookup.column)}::text as key, id, ${documentOf(lookup.fields)}
         from ${sql.table(entityTable(lookup.entity).table)}
         where tenant_id = ${this.tenantId} and deleted_at is null
           and ${sql.ref(lookup.column)} = any(${[...lookup.values]}))`,
    );
    try {
      const { rows } = await sql<{ lookup: number; key: string; id: string; document: CanonicalEntity }>`
        ${sql.join(selects, sql` union all `)} order by lookup, id`.execute(this.db);
      const answers = batch.map(() => [] as { key: string; document: CanonicalEntity }[]);
      for (const row of rows) answers[row.lookup]?.push({ key: row.key, document: row.document });
      batch.forEach((lookup, index) => lookup.resolve(answers[index] ?? []));
    } catch (error) {
      for (const lookup of batch) lookup.reject(error);
    }
  }
}

/** The stored document, or an object of some of its fields (absent ones as null, as the schema has them). */
function documentOf(fields: readonly string[] | undefined): RawBuilder<unknown> {
  if (fields === undefined) return sql`document`;
  return sql`jsonb_build_object(${sql.join(fields.map((field) => sql`${field}::text, document -> ${field}::text`))}) as document`;
}
