import type { World } from '@fieldsync/sandbox-world';
import { JobberMapper } from './jobber.mapper';

/** A visible object of a root collection: its world id and its effective `updatedAt` (epoch ms). */
export interface IndexEntry {
  readonly u: number;
  readonly id: number;
  readonly createdOn: number;
}

export type IndexedCollection = 'client' | 'job' | 'invoice' | 'quote';

export interface CollectionIndex {
  /** Ascending (updatedAt, id): UPDATED_AT paging. */
  readonly byUpdated: readonly IndexEntry[];
  /** Ascending id (= creation order): default, CREATED_AT and JOB_NUMBER paging. */
  readonly byId: readonly IndexEntry[];
}

interface Cached extends CollectionIndex {
  readonly world: World;
  readonly rowVersion: number;
}

const byUpdated = (a: IndexEntry, b: IndexEntry) => a.u - b.u || a.id - b.id;

/**
 * The root collections Jobber filters and sorts by `updatedAt`, ordered by their effective updatedAt
 * (a client's contacts and a job's visits and invoices move it: see JobberMapper). Rebuilt when the
 * world has been written since (its rowVersion moved) or replaced by a reset; a static world pages from
 * the cache.
 */
export class JobberUpdatedIndex {
  private readonly cache = new Map<IndexedCollection, Cached>();

  get(world: World, collection: IndexedCollection): CollectionIndex {
    const cached = this.cache.get(collection);
    if (cached && cached.world === world && cached.rowVersion === world.store.rowVersion) return cached;
    const built = this.build(world, collection);
    this.cache.set(collection, built);
    return built;
  }

  private build(world: World, collection: IndexedCollection): Cached {
    const mapper = new JobberMapper(world);
    const store = world.store;
    const entries: IndexEntry[] = [];
    const add = (id: number, u: number, createdOn: number) => entries.push({ id, u, createdOn });
    switch (collection) {
      case 'client':
        for (const c of store.all('customer')) {
          if (mapper.isClientVisible(c)) add(c.id, mapper.clientUpdatedAt(c), c.createdOn);
        }
        break;
      case 'job':
        for (const j of store.all('job')) {
          if (mapper.isRecordVisible(j)) add(j.id, mapper.jobUpdatedAt(j), j.createdOn);
        }
        break;
      case 'invoice':
        for (const i of store.all('invoice')) {
          if (mapper.isRecordVisible(i)) add(i.id, i.modifiedOn, i.createdOn);
        }
        break;
      case 'quote':
        for (const e of store.all('estimate')) {
          if (mapper.isEstimateVisible(e)) add(e.id, e.modifiedOn, e.createdOn);
        }
        break;
    }
    const ids = entries.slice().sort((a, b) => a.id - b.id);
    entries.sort(byUpdated);
    return { world, rowVersion: store.rowVersion, byUpdated: entries, byId: ids };
  }
}
