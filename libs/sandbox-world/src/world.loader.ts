import type { WorldClock } from './world.clock';
import { WORLD_ENTITIES, type WorldEntity, type WorldRecord } from './world.schema';

type Loose = Record<string, unknown>;

/** The loading side of the store being filled (WorldStore's `@internal` methods); `seal` returns the store. */
export interface LoadingStore<S> {
  readonly clock: WorldClock;
  all(entity: WorldEntity): Iterable<unknown>;
  loadRecord(entity: WorldEntity, record: Loose): void;
  commitLoaded(entity: WorldEntity, record: Loose): void;
  seal(): S;
  newLineItemId(): number;
  newEstimateOptionId(): number;
}

/**
 * Adds generated records to a world that is still loading; `finish()` seals it. Records keep the
 * timestamps the generator gives them; rowVersions are handed out at `finish`, in (modifiedOn, entity,
 * id) order, so the change log reads as the history it stands for.
 */
export class WorldLoader<S = unknown> {
  private added = 0;

  constructor(private readonly store: LoadingStore<S>) {}

  get clock(): WorldClock {
    return this.store.clock;
  }

  /** How many records have been added so far. */
  get count(): number {
    return this.added;
  }

  /**
   * Adds a record with the next id; the caller sets every field, timestamps included (rowVersion is
   * assigned at `finish`). The returned object stays mutable until then.
   */
  add<E extends WorldEntity>(entity: E, record: Omit<WorldRecord<E>, 'id' | 'rowVersion'>): WorldRecord<E> {
    const loose = record as unknown as Loose;
    loose['rowVersion'] = 0;
    this.store.loadRecord(entity, loose);
    this.added++;
    return record as WorldRecord<E>;
  }

  lineItemId(): number {
    return this.store.newLineItemId();
  }

  optionId(): number {
    return this.store.newEstimateOptionId();
  }

  finish(): S {
    const all: { entity: number; record: Loose; name: WorldEntity }[] = [];
    WORLD_ENTITIES.forEach((name, entity) => {
      for (const record of this.store.all(name)) all.push({ entity, record: record as Loose, name });
    });
    all.sort(
      (a, b) =>
        (a.record['modifiedOn'] as number) - (b.record['modifiedOn'] as number) ||
        a.entity - b.entity ||
        (a.record['id'] as number) - (b.record['id'] as number),
    );
    const now = this.store.clock.now();
    for (const { record, name } of all) {
      if ((record['modifiedOn'] as number) > now) {
        throw new Error(`${name} ${String(record['id'])} modified in the future`);
      }
      this.store.commitLoaded(name, record);
    }
    return this.store.seal();
  }
}
