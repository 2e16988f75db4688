import { upperBound } from './world-binary-search.util';
import { WorldChangeLog, type ModifiedRange } from './world-change-log.index';
import { WorldReferenceIndex } from './world-reference.index';
import { ID_BASE, type WorldEntity } from './world.schema';
import type { ChangeKind, ModifiedCursor, Page, StoredRecord } from './world-store.types';

type AnyStored = StoredRecord<WorldEntity>;

/**
 * One entity's records by id, the ids ever created (ascending: records are never removed), its change
 * log and its reference indexes. `commit` keeps the three in step; the store decides what to write.
 */
export class WorldEntityTable {
  readonly records = new Map<number, AnyStored>();
  readonly ids: number[] = [];
  nextId: number;
  readonly log: WorldChangeLog<AnyStored>;
  readonly references: WorldReferenceIndex;

  constructor(readonly entity: WorldEntity) {
    this.nextId = ID_BASE[entity];
    this.log = new WorldChangeLog((id) => this.records.get(id) as AnyStored);
    this.references = new WorldReferenceIndex(entity);
  }

  /** Stores a new version of a record (`before` null when it is new to the indexes) and logs the write. */
  commit(before: AnyStored | null, after: AnyStored, kind: ChangeKind): void {
    this.records.set(after.id, after);
    this.references.update(before, after);
    this.log.append(after, kind);
  }

  /** Records with id > afterId, in id order, keeping those `filter` accepts, up to `limit`. */
  pageById<E extends WorldEntity>(options: {
    afterId?: number;
    limit: number;
    filter?: (record: StoredRecord<E>) => boolean;
  }): Page<E, number> {
    const records: StoredRecord<E>[] = [];
    let i = upperBound(this.ids, options.afterId ?? 0);
    let hasMore = false;
    for (; i < this.ids.length; i++) {
      const record = this.records.get(this.ids[i] as number) as StoredRecord<E>;
      if (options.filter && !options.filter(record)) continue;
      if (records.length === options.limit) {
        hasMore = true;
        break;
      }
      records.push(record);
    }
    const last = records[records.length - 1];
    return { records, hasMore, next: last ? last.id : null };
  }

  /** One page of the log's (modifiedOn, id) order, with `filter`; `next` is the cursor of the last record. */
  pageByModified<E extends WorldEntity>(
    options: ModifiedRange & { limit: number; filter?: (record: StoredRecord<E>) => boolean },
  ): Page<E, ModifiedCursor> {
    const records: StoredRecord<E>[] = [];
    let hasMore = false;
    for (const record of this.log.byModified(options) as Generator<StoredRecord<E>>) {
      if (options.filter && !options.filter(record)) continue;
      if (records.length === options.limit) {
        hasMore = true;
        break;
      }
      records.push(record);
    }
    const last = records[records.length - 1];
    return { records, hasMore, next: last ? { modifiedOn: last.modifiedOn, id: last.id } : null };
  }
}
