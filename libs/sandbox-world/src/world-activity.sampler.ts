import type { WorldRng } from './world-rng.util';
import { DAY, MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import type { WorldRules } from './world.rules';
import { ID_BASE, type WorldEntity } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

const PROBES = 60;

/**
 * The activity clock's draws from the world: random records that fit (by probing, since ids are
 * contiguous per entity), free technicians, future windows and addresses. Every family of activity
 * draws through this one sampler and its rng, so a run is a pure function of the seed and the calls.
 */
export class ActivitySampler {
  constructor(
    readonly rng: WorldRng,
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  /** A random record of `entity` that `accept`s, by probing (ids are contiguous per entity). */
  pick<E extends WorldEntity>(
    entity: E,
    accept: (r: StoredRecord<E>) => boolean,
    probes = PROBES,
  ): StoredRecord<E> | null {
    const count = this.store.count(entity);
    if (!count) return null;
    for (let i = 0; i < probes; i++) {
      const r = this.store.get(entity, ID_BASE[entity] + this.rng.int(0, count - 1));
      if (r && accept(r)) return r;
    }
    return null;
  }

  /** Up to `n` distinct random ids of `entity`. */
  distinctIds(entity: WorldEntity, n: number): number[] {
    const count = this.store.count(entity);
    const ids = new Set<number>();
    for (let guard = 0; ids.size < Math.min(n, count) && guard < n * 20; guard++) {
      ids.add(ID_BASE[entity] + this.rng.int(0, count - 1));
    }
    return Array.from(ids);
  }

  /** The customer can have work booked: active, not deleted or merged, not do-not-service. */
  isServiceable(customerId: number): boolean {
    const c = this.store.get('customer', customerId);
    return !!c && c.active && c.deletedOn === null && c.mergedToId === null && !c.doNotService;
  }

  /** A business-hours window 1 hour to 14 days ahead, on a 15-minute grid. */
  futureWindow(now: number, minutes: number): { start: number; end: number } {
    const day = Math.floor(now / DAY) + this.rng.int(0, 14);
    let start = day * DAY + (14 + this.rng.int(0, 8)) * 3_600_000 + this.rng.int(0, 3) * 15 * MINUTE;
    if (start < now + 3_600_000) start += DAY;
    return { start, end: start + Math.max(30, minutes) * MINUTE };
  }

  /** A random active technician free in `window` (a few tries), or null. */
  freeTechnician(window: { start: number; end: number }, exclude: readonly number[] = []): number | null {
    for (let i = 0; i < 6; i++) {
      const tech = this.pick(
        'employee',
        (e) => e.role === 'Technician' && e.active && e.deletedOn === null && !exclude.includes(e.id),
      );
      if (tech && this.rules.isTechnicianFree(tech.id, window)) return tech.id;
    }
    return null;
  }

  address(): StoredRecord<'customer'>['address'] {
    const [city, state, zip] = this.rng.pick(W.CITIES);
    return {
      street: `${this.rng.int(100, 19999)} ${this.rng.pick(W.STREET_NAMES)} ${this.rng.pick(W.STREET_KINDS)}`,
      unit: null,
      city,
      state,
      zip: `${zip}${String(this.rng.int(1, 99)).padStart(2, '0')}`,
      country: 'USA',
      latitude: Math.round((30.27 + (this.rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
      longitude: Math.round((-97.74 + (this.rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
    };
  }
}
