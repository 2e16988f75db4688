import { createHash } from 'node:crypto';
import {
  stringifyCanonical,
  type CanonicalEntity,
  type EntityType,
  type Vendor,
} from '@fieldsync/canonical-model';
import type { DB } from '../generated/db.types';
import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import { quoted, valuesStatement } from '../sql/values-statement';
import { ENTITY_TABLES, entityTable, projectColumns } from './entity-tables.constants';

/** One vendor record after mapping, ready for the store. */
export interface MappedRecord {
  readonly entity: EntityType;
  readonly externalId: string;
  /** The canonical object (validated by the caller). */
  readonly object: CanonicalEntity;
  readonly raw: unknown;
  /** The vendor signalled the record is gone. */
  readonly deleted: boolean;
}

export interface StoreScope {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  /** Stamped on every row the page touches or sees (reconciliation). */
  readonly generation: number;
  /**
   * Per entity, the generation to stamp instead: that of the stream that reconciles the entity, when
   * another stream yields it too (Jobber's clients carry properties; the properties stream owns them).
   */
  readonly generationOf?: ReadonlyMap<EntityType, number>;
  /** Clock for `deletedAt` of tombstones. */
  readonly now: Date;
}

/** A stored change worth announcing: the row before and after (the change log builds its event). */
export interface StoreChange {
  readonly before: CanonicalEntity | null;
  readonly after: CanonicalEntity;
  /** The change took the record away (a vendor delete signal or a tombstone). */
  readonly deleted: boolean;
}

export interface StoredPage {
  /** The changes to announce, in record order (a created, updated or newly deleted row). */
  readonly changes: StoreChange[];
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
}

/** A row to write: the record, its canonical object, the object's sorted JSON text and that text's hash. */
interface StoreWrite {
  readonly record: MappedRecord;
  readonly object: CanonicalEntity;
  readonly text: string;
  readonly hash: string;
}

interface ExistingRow {
  readonly external_id: string;
  readonly document: CanonicalEntity;
  readonly content_hash: string;
  readonly deleted_at: Date | null;
}

/**
 * The canonical JSON with sorted keys and its SHA-256: equal documents hash equal whatever the key order.
 * The text is also what the row's `document` stores (jsonb keeps no key order), so a record is
 * serialised once for both.
 */
function hashedText(object: CanonicalEntity): { text: string; hash: string } {
  const text = stringifyCanonical(object, { sortKeys: true });
  return { text, hash: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/** SHA-256 of the canonical JSON with sorted keys: equal documents hash equal whatever the key order. */
export function contentHash(object: CanonicalEntity): string {
  return hashedText(object).hash;
}

const ENVELOPE_COLUMNS = [
  'id',
  'tenant_id',
  'connection_id',
  'vendor',
  'external_id',
  'document',
  'raw',
  'content_hash',
  'deleted_at',
  'sync_generation',
] as const;

/**
 * The canonical store tables (customers, jobs, ... one per entity). Queries only: every method runs in
 * the caller's transaction and returns rows or diffs; the change log (ChangeLog) holds the connection's
 * lock around them and turns the diffs into events, so a page is stored whole or not at all and the
 * before-images read here cannot be overtaken by another writer of the same connection.
 */
@Injectable()
export class CanonicalStoreRepository {
  /**
   * Upserts one page. A record whose content hash equals the stored one writes nothing (only its
   * generation stamp moves); every real change is returned with the stored document as `before`, a
   * `deleted` record as the deletion of its last known object.
   */
  async upsertPage(
    trx: Transaction<DB>,
    scope: StoreScope,
    records: readonly MappedRecord[],
  ): Promise<StoredPage> {
    const result = { changes: [] as StoreChange[], created: 0, updated: 0, deleted: 0, unchanged: 0 };
    const byEntity = new Map<EntityType, MappedRecord[]>();
    for (const record of records) {
      const list = byEntity.get(record.entity) ?? [];
      list.push(record);
      byEntity.set(record.entity, list);
    }
    const changeOf = new Map<MappedRecord, StoreChange>();
    for (const [entity, list] of byEntity) {
      const { table } = entityTable(entity);
      const existing = await this.lockExisting(trx, table, scope.connectionId, list);
      // The last record of an external id in the page wins; earlier ones still count as changes in order.
      const writes = new Map<string, StoreWrite>();
      const seen: string[] = [];
      for (const record of list) {
        const before =
          writes.get(record.externalId)?.object ?? existing.get(record.externalId)?.document ?? null;
        const beforeHash =
          writes.get(record.externalId)?.hash ?? existing.get(record.externalId)?.content_hash;
        const wasDeleted = writes.has(record.externalId)
          ? writes.get(record.externalId)?.object.deletedAt !== null
          : (existing.get(record.externalId)?.deleted_at ?? null) !== null;
        // A vendor delete signal keeps the first deletion time, so re-reading a deleted record is no change.
        const priorDeletedAt = wasDeleted ? (before?.deletedAt ?? null) : null;
        const object: CanonicalEntity =
          record.deleted && record.object.deletedAt === null
            ? { ...record.object, deletedAt: priorDeletedAt ?? scope.now.toISOString() }
            : record.object;
        const isDeleted = object.deletedAt !== null;
        const { text, hash } = hashedText(object);
        if (hash === beforeHash) {
          result.unchanged += 1;
          seen.push(record.externalId);
          continue;
        }
        writes.set(record.externalId, { record, object, text, hash });
        let change: StoreChange | undefined;
        if (before === null) {
          // A record first seen already deleted (a backfill of inactive rows) is stored, not announced.
          if (!isDeleted) change = { before: null, after: object, deleted: false };
          result.created += 1;
        } else if (isDeleted && !wasDeleted) {
          change = { before, after: object, deleted: true };
          result.deleted += 1;
        } else if (isDeleted) {
          // Consumers had the `<entity>.deleted`; later edits of a deleted record are kept, not announced.
          result.updated += 1;
        } else {
          change = { before, after: object, deleted: false };
          result.updated += 1;
        }
        if (change) changeOf.set(record, change);
      }
      const stampScope = this.stampScope(scope, entity);
      await this.write(trx, table, entity, stampScope, [...writes.values()]);
      await this.stamp(
        trx,
        table,
        stampScope,
        seen.filter((id) => !writes.has(id)),
      );
    }
    for (const record of records) {
      const change = changeOf.get(record);
      if (change) result.changes.push(change);
    }
    return result;
  }

  /** One stored row of the connection by canonical id (deleted rows included), or undefined. */
  async findById(
    db: Kysely<DB>,
    connectionId: string,
    entity: EntityType,
    id: string,
  ): Promise<
    { externalId: string; document: CanonicalEntity; raw: unknown; deletedAt: Date | null } | undefined
  > {
    const row = await db
      .selectFrom(entityTable(entity).table as 'customers')
      .select(['external_id', 'document', 'raw', 'deleted_at'])
      .where('id', '=', id)
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
    return row
      ? {
          externalId: row.external_id,
          document: row.document as unknown as CanonicalEntity,
          raw: row.raw,
          deletedAt: row.deleted_at,
        }
      : undefined;
  }

  /**
   * Tombstones the connection's rows of `entity` a complete reconciliation pass did not see (their
   * generation is older than the pass's) and returns their deletions. Only ever called when the pass
   * completed.
   */
  async tombstoneUnseen(trx: Transaction<DB>, scope: StoreScope, entity: EntityType): Promise<StoreChange[]> {
    const { table } = entityTable(entity);
    const stale = await sql<{ external_id: string; document: CanonicalEntity }>`
      select external_id, document from ${sql.table(table)}
      where connection_id = ${scope.connectionId} and tenant_id = ${scope.tenantId}
        and deleted_at is null and sync_generation < ${scope.generation}
      order by external_id
      for update`.execute(trx);
    const changes: StoreChange[] = [];
    for (const row of stale.rows) {
      const object = { ...row.document, deletedAt: scope.now.toISOString() } as CanonicalEntity;
      const { text, hash } = hashedText(object);
      await sql`
        update ${sql.table(table)}
        set deleted_at = ${scope.now}, document = ${text}::jsonb,
            content_hash = ${hash}, version = version + 1, updated_at = now()
        where connection_id = ${scope.connectionId} and external_id = ${row.external_id}`.execute(trx);
      changes.push({ before: row.document, after: object, deleted: true });
    }
    return changes;
  }

  private async lockExisting(
    trx: Transaction<DB>,
    table: string,
    connectionId: string,
    records: readonly MappedRecord[],
  ): Promise<Map<string, ExistingRow>> {
    const ids = [...new Set(records.map((r) => r.externalId))];
    const rows = await sql<ExistingRow>`
      select external_id, document, content_hash, deleted_at from ${sql.table(table)}
      where connection_id = ${connectionId} and external_id = any(${ids}::text[])
      order by external_id
      for update`.execute(trx);
    return new Map(rows.rows.map((row) => [row.external_id, row]));
  }

  private async write(
    trx: Transaction<DB>,
    table: string,
    entity: EntityType,
    scope: StoreScope,
    writes: readonly StoreWrite[],
  ): Promise<void> {
    if (writes.length === 0) return;
    const projected = writes.map((w) => projectColumns(entity, w.object));
    const extraColumns = Object.keys(projected[0] ?? {});
    const columns = [...ENVELOPE_COLUMNS, ...extraColumns];
    const rows = writes.map((w, index) => [
      w.object.id,
      scope.tenantId,
      scope.connectionId,
      scope.vendor,
      w.record.externalId,
      w.text,
      w.record.raw === undefined ? null : JSON.stringify(w.record.raw),
      w.hash,
      w.object.deletedAt === null ? null : new Date(w.object.deletedAt),
      scope.generation,
      ...extraColumns.map((column) => projected[index]?.[column] ?? null),
    ]);
    // Generations only go up: two streams that yield one entity (Jobber's clients carry their
    // properties, which the properties stream reconciles) count their passes separately, and a lower
    // stamp from one must not make a row look unseen to the other's pass in progress.
    const updates = columns
      .filter((column) => !['id', 'tenant_id', 'connection_id', 'external_id'].includes(column))
      .map((column) =>
        column === 'sync_generation'
          ? `sync_generation = greatest(${quoted(table)}.sync_generation, excluded.sync_generation)`
          : `${quoted(column)} = excluded.${quoted(column)}`,
      );
    await trx.executeQuery(
      valuesStatement(
        table,
        columns,
        rows,
        { document: 'jsonb', raw: 'jsonb', deleted_at: 'timestamptz', sync_generation: 'bigint' },
        `on conflict (connection_id, external_id) do update set
        ${updates.join(', ')},
        version = ${quoted(table)}.version + 1,
        updated_at = now()`,
      ),
    );
  }

  /**
   * Records a page saw but could not store (quarantined drift): their stored rows, if any, count as
   * seen by the pass (generation stamp), so a reconciliation pass never tombstones them.
   */
  async markSeen(
    trx: Transaction<DB>,
    scope: StoreScope,
    records: readonly { readonly entity: EntityType; readonly externalId: string | null }[],
  ): Promise<void> {
    const byEntity = new Map<EntityType, string[]>();
    for (const { entity, externalId } of records) {
      if (externalId === null || !ENTITY_TABLES[entity]) continue;
      byEntity.set(entity, [...(byEntity.get(entity) ?? []), externalId]);
    }
    for (const [entity, ids] of byEntity) {
      await this.stamp(trx, entityTable(entity).table, this.stampScope(scope, entity), ids);
    }
  }

  /** The scope whose generation a row of `entity` is stamped with (StoreScope.generationOf). */
  private stampScope(scope: StoreScope, entity: EntityType): StoreScope {
    const owner = scope.generationOf?.get(entity);
    return owner === undefined ? scope : { ...scope, generation: owner };
  }

  /** Unchanged rows a page saw: only their generation moves, and only up (what a reconciliation pass needs). */
  private async stamp(
    trx: Transaction<DB>,
    table: string,
    scope: StoreScope,
    externalIds: readonly string[],
  ): Promise<void> {
    if (externalIds.length === 0) return;
    await sql`
      update ${sql.table(table)} set sync_generation = ${scope.generation}
      where connection_id = ${scope.connectionId} and external_id = any(${[...externalIds]}::text[])
        and sync_generation < ${scope.generation}`.execute(trx);
  }
}
