import type { WorldEntity, WorldRecord } from './world.schema';

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
/** A record as the store hands it out: deeply frozen, so no caller can change the world behind its back. */
export type StoredRecord<E extends WorldEntity> = DeepReadonly<WorldRecord<E>>;

export type ChangeKind = 'create' | 'update' | 'delete' | 'merge' | 'activate' | 'deactivate';

/** One entry of an entity's change log: a write, in rowVersion order. */
export interface ChangeEntry {
  readonly rowVersion: number;
  readonly id: number;
  readonly modifiedOn: number;
  readonly kind: ChangeKind;
}

/** A position in (modifiedOn, id) order: the last record a page returned. */
export interface ModifiedCursor {
  readonly modifiedOn: number;
  readonly id: number;
}

export interface ChangesPage<E extends WorldEntity> {
  /** Each changed record once, in its latest state, ordered by rowVersion. */
  readonly records: readonly StoredRecord<E>[];
  /** rowVersion to pass as `afterRowVersion` next time (unchanged when nothing was returned). */
  readonly continueFrom: number;
  readonly hasMore: boolean;
}

export interface Page<E extends WorldEntity, C> {
  readonly records: readonly StoredRecord<E>[];
  readonly hasMore: boolean;
  /** Where the next page starts; null when this page is empty. */
  readonly next: C | null;
}
