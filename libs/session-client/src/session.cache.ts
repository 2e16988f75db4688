import type { AcquiredSession } from './session-client.types';

interface CacheEntry {
  readonly value: AcquiredSession;
  readonly expiresAtMs: number;
}

/** The request bringing a connection's session now, and the validity it was asked with. */
export interface PendingAcquire {
  readonly minValidityMs: number;
  readonly promise: Promise<AcquiredSession>;
}

/**
 * This process's sessions per connection, and the one request per connection that brings a new one.
 * `forget` drops both and bumps the connection's generation: an answer to a request sent before it is
 * still returned to its callers, but not cached.
 */
export class SessionCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly pendingAcquires = new Map<string, PendingAcquire>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** The cached session while it has more than `minRemainingMs` left; a staler one is dropped. */
  fresh(connectionId: string, minRemainingMs: number): AcquiredSession | undefined {
    const cached = this.entries.get(connectionId);
    if (!cached) return undefined;
    if (cached.expiresAtMs - this.now() > minRemainingMs) return cached.value;
    this.entries.delete(connectionId);
    return undefined;
  }

  /** The cached session, however stale. */
  peek(connectionId: string): AcquiredSession | undefined {
    return this.entries.get(connectionId)?.value;
  }

  pending(connectionId: string): PendingAcquire | undefined {
    return this.pendingAcquires.get(connectionId);
  }

  /**
   * Runs `request` as the connection's pending acquire (later callers may join it) and caches its
   * session unless `forget` came in the meantime.
   */
  track(
    connectionId: string,
    minValidityMs: number,
    request: () => Promise<AcquiredSession>,
  ): Promise<AcquiredSession> {
    const generation = this.generation(connectionId);
    const promise = request()
      .then((acquired) => {
        const expiresAtMs = Date.parse(acquired.expiresAt);
        if (this.generation(connectionId) === generation) {
          this.entries.set(connectionId, { value: acquired, expiresAtMs });
        }
        return acquired;
      })
      .finally(() => {
        if (this.pendingAcquires.get(connectionId) === entry) this.pendingAcquires.delete(connectionId);
      });
    const entry: PendingAcquire = { minValidityMs, promise };
    this.pendingAcquires.set(connectionId, entry);
    return promise;
  }

  /** Forgets the session, and the request that may be bringing it back: the next acquire asks anew. */
  forget(connectionId: string): void {
    this.entries.delete(connectionId);
    this.pendingAcquires.delete(connectionId);
    this.generations.set(connectionId, this.generation(connectionId) + 1);
  }

  /** Drops every cached session (close). */
  clear(): void {
    this.entries.clear();
  }

  private generation(connectionId: string): number {
    return this.generations.get(connectionId) ?? 0;
  }
}
