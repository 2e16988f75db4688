import { WorldClock } from './world.clock';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import {
  ID_BASE,
  SYSTEM_FIELDS,
  WORLD_ENTITIES,
  type NewWorldRecord,
  type WorldEntity,
  type WorldPatch,
  type WorldRecord,
} from './world.schema';

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

/** Reference fields indexed for children look-ups (`payment.invoiceId` reads the splits). */
export const INDEXED_FIELDS = {
  location: ['customerId'],
  contact: ['customerId'],
  job: ['customerId', 'locationId'],
  appointment: ['jobId', 'customerId'],
  assignment: ['appointmentId', 'technicianId', 'jobId'],
  estimate: ['jobId', 'customerId', 'locationId'],
  invoice: ['jobId', 'customerId', 'locationId'],
  payment: ['customerId', 'invoiceId'],
  membership: ['customerId', 'locationId'],
  equipment: ['customerId', 'locationId'],
} as const satisfies Partial<Record<WorldEntity, readonly string[]>>;
type IndexedEntity = keyof typeof INDEXED_FIELDS;
export type IndexedField<E extends IndexedEntity> = (typeof INDEXED_FIELDS)[E][number];

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

interface Table {
  readonly records: Map<number, StoredRecord<WorldEntity>>;
  /** Every id ever created, ascending (records are never removed). */
  readonly ids: number[];
  nextId: number;
  readonly logRowVersion: number[];
  readonly logId: number[];
  readonly logModifiedOn: number[];
  readonly logKind: ChangeKind[];
  /** field → parent id → child ids */
  readonly indexes: Map<string, Map<number, Set<number>>>;
}

type Loose = Record<string, unknown>;
const SYSTEM = new Set<string>(SYSTEM_FIELDS);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** First index i with values[i] > target (values ascending). */
function upperBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** First index i with values[i] ≥ target (values ascending). */
function lowerBound(values: readonly number[], target: number): number {
  return upperBound(values, target - 1);
}

function indexKeys(entity: WorldEntity, field: string, record: Loose): number[] {
  if (entity === 'payment' && field === 'invoiceId') {
    return (record['splits'] as readonly { invoiceId: number }[]).map((s) => s.invoiceId);
  }
  const value = record[field];
  return typeof value === 'number' ? [value] : [];
}

/**
 * The world's state: every entity's records by id, its change log, and reference indexes.
 *
 * - Reads: O(1) `get`, id order (`all`, `pageById`), (modifiedOn, id) order (`pageByModified`), changes
 *   after a rowVersion (`changesSince`, the basis of export `continueFrom`), `snapshot` (ground truth).
 * - Writes: `create`, `update`, `softDelete`, `setActive`, `merge`. Each one stamps modifiedOn with the
 *   world clock and bumps the world-global rowVersion, and appends to the entity's change log. Since
 *   the clock never goes back, each log is ordered by rowVersion AND by modifiedOn.
 * - No login, no vendor: renderers decide what a user sees.
 */
export class WorldStore {
  private readonly tables = new Map<WorldEntity, Table>();
  private version = 0;
  private nextLineItemId = LINE_ITEM_ID_BASE;
  private nextOptionId = ESTIMATE_OPTION_ID_BASE;
  private sealed = false;

  private constructor(readonly clock: WorldClock) {
    for (const entity of WORLD_ENTITIES) {
      const indexes = new Map<string, Map<number, Set<number>>>();
      for (const field of (INDEXED_FIELDS as Partial<Record<WorldEntity, readonly string[]>>)[entity] ?? []) {
        indexes.set(field, new Map());
      }
      this.tables.set(entity, {
        records: new Map(),
        ids: [],
        nextId: ID_BASE[entity],
        logRowVersion: [],
        logId: [],
        logModifiedOn: [],
        logKind: [],
        indexes,
      });
    }
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
  static loader(clock: WorldClock): WorldLoader {
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
    const set = this.table(entity).indexes.get(field)?.get(parentId);
    if (!set) return [];
    const ids = Array.from(set).sort((a, b) => a - b);
    return ids.map((id) => this.get(entity, id) as StoredRecord<E>);
  }

  /** Records with id > afterId, in id order, keeping those `filter` accepts, up to `limit`. */
  pageById<E extends WorldEntity>(
    entity: E,
    options: { afterId?: number; limit: number; filter?: (record: StoredRecord<E>) => boolean },
  ): Page<E, number> {
    const table = this.table(entity);
    const records: StoredRecord<E>[] = [];
    let i = upperBound(table.ids, options.afterId ?? 0);
    let hasMore = false;
    for (; i < table.ids.length; i++) {
      const record = table.records.get(table.ids[i] as number) as StoredRecord<E>;
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

  /**
   * Records in (modifiedOn, id) order, strictly after `after`, with modifiedOn in
   * [modifiedOnOrAfter, modifiedBefore). Rows sharing one modifiedOn come in id order, so a cursor
   * (modifiedOn, id) resumes exactly; a record changed meanwhile moves to the end (new modifiedOn).
   */
  *iterateByModified<E extends WorldEntity>(
    entity: E,
    options: { after?: ModifiedCursor; modifiedOnOrAfter?: number; modifiedBefore?: number } = {},
  ): Generator<StoredRecord<E>> {
    const table = this.table(entity);
    const after = options.after;
    const from = Math.max(options.modifiedOnOrAfter ?? 0, after?.modifiedOn ?? 0);
    const before = options.modifiedBefore ?? Number.POSITIVE_INFINITY;
    const mods = table.logModifiedOn;
    let i = lowerBound(mods, from);
    while (i < mods.length) {
      const t = mods[i] as number;
      if (t >= before) return;
      const group: number[] = [];
      let j = i;
      for (; j < mods.length && mods[j] === t; j++) {
        const id = table.logId[j] as number;
        if ((table.records.get(id) as StoredRecord<WorldEntity>).rowVersion === table.logRowVersion[j]) {
          group.push(id);
        }
      }
      group.sort((a, b) => a - b);
      for (const id of group) {
        if (after && t === after.modifiedOn && id <= after.id) continue;
        yield table.records.get(id) as StoredRecord<E>;
      }
      i = j;
    }
  }

  /** One page of `iterateByModified`, with `filter`; `next` is the cursor of the last record. */
  pageByModified<E extends WorldEntity>(
    entity: E,
    options: {
      after?: ModifiedCursor;
      modifiedOnOrAfter?: number;
      modifiedBefore?: number;
      limit: number;
      filter?: (record: StoredRecord<E>) => boolean;
    },
  ): Page<E, ModifiedCursor> {
    const records: StoredRecord<E>[] = [];
    let hasMore = false;
    for (const record of this.iterateByModified(entity, options)) {
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

  /**
   * Every record of the entity written after `afterRowVersion`, each once in its latest state, in
   * rowVersion order, up to `limit`. Passing the returned `continueFrom` back never skips a record:
   * anything written later gets a higher rowVersion. A record written again reappears, once.
   */
  changesSince<E extends WorldEntity>(entity: E, afterRowVersion: number, limit: number): ChangesPage<E> {
    const table = this.table(entity);
    const records: StoredRecord<E>[] = [];
    let continueFrom = afterRowVersion;
    let i = upperBound(table.logRowVersion, afterRowVersion);
    for (; i < table.logRowVersion.length && records.length < limit; i++) {
      const record = table.records.get(table.logId[i] as number) as StoredRecord<E>;
      if (record.rowVersion !== table.logRowVersion[i]) continue;
      records.push(record);
      continueFrom = record.rowVersion;
    }
    let hasMore = false;
    for (; i < table.logRowVersion.length && !hasMore; i++) {
      const record = table.records.get(table.logId[i] as number) as StoredRecord<E>;
      hasMore = record.rowVersion === table.logRowVersion[i];
    }
    return { records, continueFrom, hasMore };
  }

  /** The raw change log after `afterRowVersion` (every write, repeats included), in rowVersion order. */
  changeLog(entity: WorldEntity, afterRowVersion = 0): ChangeEntry[] {
    const table = this.table(entity);
    const out: ChangeEntry[] = [];
    for (let i = upperBound(table.logRowVersion, afterRowVersion); i < table.logRowVersion.length; i++) {
      out.push({
        rowVersion: table.logRowVersion[i] as number,
        id: table.logId[i] as number,
        modifiedOn: table.logModifiedOn[i] as number,
        kind: table.logKind[i] as ChangeKind,
      });
    }
    return out;
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
    table.records.set(id, record);
    table.ids.push(id);
    this.index(entity, table, null, record);
    this.log(table, record, 'create');
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
    table.records.set(id, after);
    this.index(entity, table, before, after);
    this.log(table, after, kind);
    return after;
  }

  private table(entity: WorldEntity): Table {
    const table = this.tables.get(entity);
    if (!table) throw new TypeError(`unknown world entity ${String(entity)}`);
    return table;
  }

  private stamp(table: Table): number {
    const now = this.clock.now();
    const last = table.logModifiedOn[table.logModifiedOn.length - 1] ?? 0;
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

  private log(table: Table, record: StoredRecord<WorldEntity>, kind: ChangeKind): void {
    table.logRowVersion.push(record.rowVersion);
    table.logId.push(record.id);
    table.logModifiedOn.push(record.modifiedOn);
    table.logKind.push(kind);
  }

  private index(entity: WorldEntity, table: Table, before: Loose | null, after: Loose): void {
    for (const [field, index] of table.indexes) {
      const old = before ? indexKeys(entity, field, before) : [];
      const now = indexKeys(entity, field, after);
      if (old.length === now.length && old.every((k, i) => k === now[i])) continue;
      const id = after['id'] as number;
      for (const key of old) index.get(key)?.delete(id);
      for (const key of now) {
        let set = index.get(key);
        if (!set) index.set(key, (set = new Set()));
        set.add(id);
      }
    }
  }

  /** @internal the loader's access to the tables. */
  loadRecord(entity: WorldEntity, record: Loose): void {
    if (this.sealed) throw new Error('the world is already loaded');
    const table = this.table(entity);
    const id = table.nextId++;
    record['id'] = id;
    table.records.set(id, record as unknown as StoredRecord<WorldEntity>);
    table.ids.push(id);
  }

  /** @internal */
  sealLoaded(): void {
    if (this.sealed) throw new Error('the world is already loaded');
    const all: { entity: number; record: Loose; table: Table; name: WorldEntity }[] = [];
    WORLD_ENTITIES.forEach((name, entity) => {
      const table = this.table(name);
      for (const record of table.records.values()) all.push({ entity, record: record, table, name });
    });
    all.sort(
      (a, b) =>
        (a.record['modifiedOn'] as number) - (b.record['modifiedOn'] as number) ||
        a.entity - b.entity ||
        (a.record['id'] as number) - (b.record['id'] as number),
    );
    const now = this.clock.now();
    for (const { record: loaded, table, name } of all) {
      if ((loaded['modifiedOn'] as number) > now) {
        throw new Error(`${name} ${String(loaded['id'])} modified in the future`);
      }
      // Rebuilt so `id` comes first in every record, as in records created later.
      const record = deepFreeze({ id: loaded['id'], ...loaded, rowVersion: ++this.version });
      table.records.set(record.id as number, record as unknown as StoredRecord<WorldEntity>);
      this.log(table, record as unknown as StoredRecord<WorldEntity>, 'create');
      this.index(name, table, null, record);
    }
    this.sealed = true;
  }
}

/** Adds generated records to a world that is still loading; `finish()` seals it. */
export class WorldLoader {
  constructor(private readonly store: WorldStore) {}

  get clock(): WorldClock {
    return this.store.clock;
  }

  /**
   * Adds a record with the next id; the caller sets every field, timestamps included (rowVersion is
   * assigned at `finish`). The returned object stays mutable until then.
   */
  add<E extends WorldEntity>(entity: E, record: Omit<WorldRecord<E>, 'id' | 'rowVersion'>): WorldRecord<E> {
    const loose = record as unknown as Loose;
    loose['rowVersion'] = 0;
    this.store.loadRecord(entity, loose);
    return record as WorldRecord<E>;
  }

  lineItemId(): number {
    return this.store.newLineItemId();
  }

  optionId(): number {
    return this.store.newEstimateOptionId();
  }

  finish(): WorldStore {
    this.store.sealLoaded();
    return this.store;
  }
}
