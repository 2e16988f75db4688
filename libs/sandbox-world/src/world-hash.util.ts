import { createHash } from 'node:crypto';
import { WORLD_ENTITIES } from './world.schema';
import type { WorldStore } from './world.store';

/** SHA-256 of the ground truth of every entity (JSON of `snapshot`, entity by entity). */
export function worldHash(store: WorldStore): string {
  const hash = createHash('sha256');
  for (const entity of WORLD_ENTITIES) {
    hash.update(`${entity}\n`);
    for (const record of store.all(entity)) hash.update(`${JSON.stringify(record)}\n`);
  }
  return hash.digest('hex');
}

/** Record counts per entity and in total. */
export function worldCounts(store: WorldStore): { total: number; byEntity: Record<string, number> } {
  const byEntity: Record<string, number> = {};
  let total = 0;
  for (const entity of WORLD_ENTITIES) {
    byEntity[entity] = store.count(entity);
    total += store.count(entity);
  }
  return { total, byEntity };
}
