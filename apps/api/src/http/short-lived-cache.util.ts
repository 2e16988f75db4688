/**
 * A per-process cache of look-ups that may be at most `maxAgeMs` old, with one look-up in flight per key
 * (concurrent misses share it): what lets a busy api read an API key's row or a tenant's entitlements a
 * few times a second instead of once per request, while a change made anywhere (another replica, SQL)
 * is seen within `maxAgeMs`. Failed look-ups are not kept.
 */
export class ShortLivedCache<V> {
  private readonly entries = new Map<string, { value: V; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();
  /** Bumped by forget(): a look-up that started before it is served to its callers but not kept. */
  private generation = 0;

  constructor(
    readonly maxAgeMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The value of `key` fetched at most `maxAgeMs` ago, else `load()`'s (shared with concurrent callers). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry !== undefined && this.now() - entry.fetchedAt < this.maxAgeMs)
      return Promise.resolve(entry.value);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    // the age counts from the start of the look-up: a value is never older than maxAgeMs when served
    const startedAt = this.now();
    const generation = this.generation;
    const loading = load().then(
      (value) => {
        if (this.inFlight.get(key) === loading) this.inFlight.delete(key);
        if (generation === this.generation) this.remember(key, value, startedAt);
        return value;
      },
      (error: unknown) => {
        if (this.inFlight.get(key) === loading) this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, loading);
    return loading;
  }

  /** Forgets `key` (this process changed it: the next read looks it up). */
  forget(key: string): void {
    this.generation += 1;
    this.entries.delete(key);
    this.inFlight.delete(key);
  }

  private remember(key: string, value: V, fetchedAt: number): void {
    if (this.entries.size >= this.maxEntries) {
      const now = this.now();
      for (const [k, e] of this.entries) if (now - e.fetchedAt >= this.maxAgeMs) this.entries.delete(k);
      // still full of fresh entries: drop the oldest inserted
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(key, { value, fetchedAt });
  }
}
