import { LRUCache } from 'lru-cache';

export interface ShortLivedLookupsOptions<V extends object> {
  /** How old a value may be when served, counted from the start of the look-up that fetched it. */
  readonly maxAgeMs: number;
  readonly lookUp: (key: string) => Promise<V>;
  /** Keys kept at most (least recently used dropped first). */
  readonly max?: number;
  /** The clock (tests); performance by default. */
  readonly perf?: { now(): number };
}

/**
 * Per-process look-ups that may be at most `maxAgeMs` old, with one look-up in flight per key: lru-cache's
 * `fetch` shares a running `fetchMethod` between concurrent misses, its `ttl` bounds the age. What lets a
 * busy api read an API key's row, a tenant's entitlements or a session's connection a few times a second
 * instead of once per request, while a change made anywhere (another replica, SQL) is seen within
 * `maxAgeMs`. A failed look-up is not kept. `forget(key)` (this process changed it) makes the next read
 * look it up; a look-up that was in flight then is served to its callers but not kept (`ignoreFetchAbort`:
 * a deleted key's fetch is not written back).
 */
export class ShortLivedLookups<V extends object> {
  private readonly cache: LRUCache<string, V>;

  constructor(options: ShortLivedLookupsOptions<V>) {
    const { maxAgeMs, lookUp } = options;
    const clock = options.perf ?? performance;
    this.cache = new LRUCache<string, V>({
      max: options.max ?? 10_000,
      ttl: maxAgeMs,
      // read the clock on every check: a value is never served past its age by a cached "now"
      ttlResolution: 0,
      ...(options.perf ? { perf: options.perf } : {}),
      ignoreFetchAbort: true,
      fetchMethod: async (key, _stale, { options: set }) => {
        const startedAt = clock.now();
        const value = await lookUp(key);
        // the age counts from the start of the look-up; at least 1 ms (0 would mean "never expires")
        set.ttl = Math.max(1, Math.floor(maxAgeMs - (clock.now() - startedAt)));
        return value;
      },
    });
  }

  /** The value of `key` looked up at most `maxAgeMs` ago, else a fresh one (shared with concurrent callers). */
  async get(key: string): Promise<V> {
    const value = await this.cache.fetch(key);
    // fetch answers undefined only when a look-up gives none, which lookUp's type rules out
    if (value === undefined) throw new Error(`look-up of ${key} gave no value`);
    return value;
  }

  /** Forgets `key` (this process changed it: the next read looks it up). */
  forget(key: string): void {
    this.cache.delete(key);
  }
}
