import { WorldClock } from './world.clock';
import { deepFreeze } from './world-deep-freeze.util';
import { WorldEntityTable } from './world-entity.table';
import type { ModifiedRange } from './world-change-log.index';
import type { IndexedEntity, IndexedField } from './world-reference.index';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { WorldLoader } from './world.loader';
import {
  SYSTEM_FIELDS,
  WORLD_ENTITIES,
  type NewWorldRecord,
  type WorldEntity,
  type WorldPatch,
} from './world.schema';
import type {
  ChangeEntry,
  ChangeKind,
  ChangesPage,
  ModifiedCursor,
  Page,
  StoredRecord,
} from './world-store.types';

export type {
  ChangeEntry,
  ChangeKind,
  ChangesPage,
  DeepReadonly,
  ModifiedCursor,
  Page,
  StoredRecord,
} from './world-store.types';
export { INDEXED_FIELDS, type IndexedField } from './world-reference.index';
export { WorldLoader } from './world.loader';

/** Which children follow a merged record to the survivor (ServiceTitan moves them). */
const MERGE_CHILDREN = {
  customer: [
    ['location', 'customerId'],
    ['contact', 'customerId'],
    ['job', 'customerId'],
    ['appointment', 'customerId'],
    ['estimate', 'customerId'],
    ['invoice', 'customerId'],
    ['payment', 'customerId'],
    ['membership', 'customerId'],
    ['equipment', 'customerId'],
  ],
  location: [
    ['job', 'locationId'],
    ['estimate', 'locationId'],
    ['invoice', 'locationId'],
    ['membership', 'locationId'],
    ['equipment', 'locationId'],
  ],
} as const;
export type MergeableEntity = keyof typeof MERGE_CHILDREN;

const LINE_ITEM_ID_BASE = 500_000_001;
const ESTIMATE_OPTION_ID_BASE = 600_000_001;

type Loose = Record<string, unknown>;
type AnyStored = StoredRecord<WorldEntity>;
const SYSTEM = new Set<string>(SYSTEM_FIELDS);

/**
 * The world's state: every entity's records by id, its change log, and reference indexes (each
 * entity's `WorldEntityTable`).
 *
 * - Reads: O(1) `get`, id order (`all`, `pageById`), (modifiedOn, id) order (`pageByModified`), changes
 *   after a rowVersion (`changesSince`, the basis of export `continueFrom`), `snapshot` (ground truth).
 * - Writes: `create`, `update`, `softDelete`, `setActive`, `merge`. Each one stamps modifiedOn with the
 *   world clock and bumps the world-global rowVersion, and appends to the entity's change log. Since
 *   the clock never goes back, each log is ordered by rowVersion AND by modifiedOn.
 * - No login, no vendor: renderers decide what a user sees.
 */
export class WorldStore {
  private readonly tables = new Map<WorldEntity, WorldEntityTable>();
  private version = 0;
  private nextLineItemId = LINE_ITEM_ID_BASE;
  private nextOptionId = ESTIMATE_OPTION_ID_BASE;
  private sealed = false;

  private constructor(readonly clock: WorldClock) {
    for (const entity of WORLD_ENTITIES) this.tables.set(entity, new WorldEntityTable(entity));
  }

  /** An empty world whose writes are stamped by `clock`. */
  static empty(clock: WorldClock): WorldStore {
    const store = new WorldStore(clock);
    store.sealed = true;
    return store;
  }

  /**
   * Bulk loading for the generator: records are added with their historical timestamps and stay
   * mutable until `finish()`, which freezes them and assigns rowVersions in (modifiedOn, entity, id)
   * order, so the change log reads as the history it stands for.
   */
  static loader(clock: WorldClock): WorldLoader<WorldStore> {
    return new WorldLoader(new WorldStore(clock));
  }

  /** The latest rowVersion handed out (0 for an empty world). */
  get rowVersion(): number {
    return this.version;
  }

  // ---------------------------------------------------------------- reads

  get<E extends WorldEntity>(entity: E, id: number): StoredRecord<E> | undefined {
    return this.table(entity).records.get(id) as StoredRecord<E> | undefined;
  }

  /** Like `get`, but a missing record is a rule error (`not_found`). */
  require<E extends WorldEntity>(entity: E, id: number): StoredRecord<E> {
    const record = this.get(entity, id);
    if (!record)
      throw new WorldRuleError(WorldRuleCode.NotFound, `${entity} ${id} not found`, { entity, id });
    return record;
  }

  count(entity: WorldEntity): number {
    return this.table(entity).records.size;
  }

  /** Every record of the entity (inactive and deleted included), in id order. */
  all<E extends WorldEntity>(entity: E): IterableIterator<StoredRecord<E>> {
    return this.table(entity).records.values() as IterableIterator<StoredRecord<E>>;
  }

  /** Ground truth: every record as the vendor holds it, in id order, deeply frozen. */
  snapshot<E extends WorldEntity>(entity: E): readonly StoredRecord<E>[] {
    return Object.freeze(Array.from(this.all(entity)));
  }

  /** All ids ever created for the entity, ascending (a copy). */
  ids(entity: WorldEntity): number[] {
    return this.table(entity).ids.slice();
  }

  /** Records with a reference to `parentId` in `field`, in id order. */
  children<E extends IndexedEntity>(entity: E, field: IndexedField<E>, parentId: number): StoredRecord<E>[] {
    return this.table(entity)
      .references.ids(field, parentId)
      .map((id) => this.get(entity, id) as StoredRecord<E>);
  }

  /** Records with id > afterId, in id order, keeping those `filter` accepts, up to `limit`. */
  pageById<E extends WorldEntity>(
    entity: E,
    options: { afterId?: number; limit: number; filter?: (record: StoredRecord<E>) => boolean },
  ): Page<E, number> {
    return this.table(entity).pageById(options);
  }

  /**
   * Records in (modifiedOn, id) order, strictly after `after`, with modifiedOn in
   * [modifiedOnOrAfter, modifiedBefore). Rows sharing one modifiedOn come in id order, so a cursor
   * (modifiedOn, id) resumes exactly; a record changed meanwhile moves to the end (new modifiedOn).
   */
  iterateByModified<E extends WorldEntity>(
    entity: E,
    options: ModifiedRange = {},
  ): Generator<StoredRecord<E>> {
    return this.table(entity).log.byModified(options) as Generator<StoredRecord<E>>;
  }

  /** One page of `iterateByModified`, with `filter`; `next` is the cursor of the last record. */
  pageByModified<E extends WorldEntity>(
    entity: E,
    options: ModifiedRange & { limit: number; filter?: (record: StoredRecord<E>) => boolean },
  ): Page<E, ModifiedCursor> {
    return this.table(entity).pageByModified(options);
  }

  /**
   * Every record of the entity written after `afterRowVersion`, each once in its latest state, in
   * rowVersion order, up to `limit`. Passing the returned `continueFrom` back never skips a record:
   * anything written later gets a higher rowVersion. A record written again reappears, once.
   */
  changesSince<E extends WorldEntity>(entity: E, afterRowVersion: number, limit: number): ChangesPage<E> {
    return this.table(entity).log.changesSince(afterRowVersion, limit) as unknown as ChangesPage<E>;
  }

  /** The raw change log after `afterRowVersion` (every write, repeats included), in rowVersion order. */
  changeLog(entity: WorldEntity, afterRowVersion = 0): ChangeEntry[] {
    return this.table(entity).log.entries(afterRowVersion);
  }

  // ---------------------------------------------------------------- writes

  /** Creates a record (active, not deleted) with the next id; createdOn = modifiedOn = now. */
  create<E extends WorldEntity>(entity: E, fields: NewWorldRecord<E>): StoredRecord<E> {
    this.assertWritable();
    const table = this.table(entity);
    const now = this.stamp(table);
    const id = table.nextId++;
    const record = deepFreeze({
      id,
      ...this.withoutSystemFields(fields as Loose),
      createdOn: now,
      modifiedOn: now,
      active: true,
      deletedOn: null,
      rowVersion: ++this.version,
    }) as unknown as StoredRecord<E>;
    table.ids.push(id);
    table.commit(null, record, 'create');
    return record;
  }

  /** Changes fields of a record (system fields are not the caller's); always bumps modifiedOn. */
  update<E extends WorldEntity>(entity: E, id: number, patch: WorldPatch<E>): StoredRecord<E> {
    return this.write(entity, id, this.withoutSystemFields(patch as Loose), 'update');
  }

  /** Soft delete: inactive with deletedOn = now; the record stays in exports. Idempotent refusal. */
  softDelete<E extends WorldEntity>(entity: E, id: number): StoredRecord<E> {
    const record = this.require(entity, id);
    if (record.deletedOn !== null) {
      throw new WorldRuleError(WorldRuleCode.RecordDeleted, `${entity} ${id} is already deleted`, {
        entity,
        id,
      });
    }
    return this.write(entity, id, { active: false, deletedOn: this.clock.now() }, 'delete');
  }

  /** Deactivates or reactivates a record without deleting it (a deleted record cannot be reactivated). */
  setActive<E extends WorldEntity>(entity: E, id: number, active: boolean): StoredRecord<E> {
    const record = this.require(entity, id);
    if (active && record.deletedOn !== null) {
      throw new WorldRuleError(WorldRuleCode.RecordDeleted, `${entity} ${id} is deleted`, { entity, id });
    }
    return this.write(entity, id, { active }, active ? 'activate' : 'deactivate');
  }

  /**
   * Merges `fromId` into `intoId`: every child moves to the survivor (each one a write), the merged
   * record gets `mergedToId` and becomes inactive. A customer's balance moves with its invoices.
   */
  merge(entity: MergeableEntity, fromId: number, intoId: number): StoredRecord<MergeableEntity> {
    const from = this.require(entity, fromId);
    const into = this.require(entity, intoId);
    if (
      fromId === intoId ||
      from.mergedToId !== null ||
      into.mergedToId !== null ||
      into.deletedOn !== null
    ) {
      throw new WorldRuleError(
        WorldRuleCode.InvalidMerge,
        `cannot merge ${entity} ${fromId} into ${intoId}`,
        {
          entity,
          fromId,
          intoId,
        },
      );
    }
    for (const [child, field] of MERGE_CHILDREN[entity]) {
      for (const record of this.children(child, field, fromId)) {
        this.write(child, record.id, { [field]: intoId }, 'update');
      }
    }
    if (entity === 'customer') {
      const balance = (from as StoredRecord<'customer'>).balance;
      if (balance !== 0) {
        this.write(
          'customer',
          intoId,
          { balance: (into as StoredRecord<'customer'>).balance + balance },
          'update',
        );
      }
      return this.write('customer', fromId, { mergedToId: intoId, active: false, balance: 0 }, 'merge');
    }
    return this.write(entity, fromId, { mergedToId: intoId, active: false }, 'merge');
  }

  /** A fresh id for an embedded line item (invoice and estimate lines share the space). */
  newLineItemId(): number {
    return this.nextLineItemId++;
  }

  newEstimateOptionId(): number {
    return this.nextOptionId++;
  }

  // ---------------------------------------------------------------- loading (WorldLoader's side)

  /** @internal Adds a generated record with the next id, still mutable and not yet versioned. */
  loadRecord(entity: WorldEntity, record: Loose): void {
    if (this.sealed) throw new Error('the world is already loaded');
    const table = this.table(entity);
    const id = table.nextId++;
    record['id'] = id;
    table.records.set(id, record as unknown as AnyStored);
    table.ids.push(id);
  }

  /** @internal Freezes a loaded record with the next rowVersion and logs it as created. */
  commitLoaded(entity: WorldEntity, loaded: Loose): void {
    if (this.sealed) throw new Error('the world is already loaded');
    // Rebuilt so `id` comes first in every record, as in records created later.
    const record = deepFreeze({ id: loaded['id'], ...loaded, rowVersion: ++this.version });
    this.table(entity).commit(null, record as unknown as AnyStored, 'create');
  }

  /** @internal The world is loaded: writes are open from now on. */
  seal(): this {
    if (this.sealed) throw new Error('the world is already loaded');
    this.sealed = true;
    return this;
  }

  // ---------------------------------------------------------------- internals

  private write<E extends WorldEntity>(
    entity: E,
    id: number,
    patch: Loose,
    kind: ChangeKind,
  ): StoredRecord<E> {
    this.assertWritable();
    const table = this.table(entity);
    const before = this.require(entity, id);
    const now = this.stamp(table);
    const after = deepFreeze({
      ...(before as unknown as Loose),
      ...patch,
      modifiedOn: now,
      rowVersion: ++this.version,
    }) as unknown as StoredRecord<E>;
    table.commit(before, after, kind);
    return after;
  }

  private table(entity: WorldEntity): WorldEntityTable {
    const table = this.tables.get(entity);
    if (!table) throw new TypeError(`unknown world entity ${String(entity)}`);
    return table;
  }

  private stamp(table: WorldEntityTable): number {
    const now = this.clock.now();
    const last = table.log.lastModifiedOn;
    if (now < last) throw new Error(`world clock behind the change log (${now} < ${last})`);
    return now;
  }

  private assertWritable(): void {
    if (!this.sealed) throw new Error('the world is still loading');
  }

  private withoutSystemFields(fields: Loose): Loose {
    const out: Loose = {};
    for (const [key, value] of Object.entries(fields)) if (!SYSTEM.has(key)) out[key] = value;
    return out;
  }
}
