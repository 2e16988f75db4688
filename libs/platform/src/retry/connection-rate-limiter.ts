import { sleep } from './sleep.util';

/**
 * Spaces one process's vendor calls per connection: at most `requestsPerSecond` (evenly spaced, no
 * bursts), and none before a vendor's Retry-After has passed (`pause`), whichever stream asks. Each
 * replica keeps its own spacing; the per-connection lease bound keeps the number of replicas calling
 * one connection small.
 */
export class ConnectionRateLimiter {
  private readonly nextAt = new Map<string, number>();
  private readonly spacingMs: number;
  /** Connections paced at a rate of their own (their vendor's budget) instead of the default. */
  private readonly spacingOf = new Map<string, number>();

  constructor(
    requestsPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
    this.spacingMs = 1000 / requestsPerSecond;
  }

  /** Waits for the connection's next slot and takes it. */
  async take(connectionId: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const at = this.nextAt.get(connectionId) ?? 0;
      if (at <= now) {
        this.nextAt.set(connectionId, now + (this.spacingOf.get(connectionId) ?? this.spacingMs));
        return;
      }
      await sleep(at - now, signal);
    }
  }

  /** Paces one connection at `requestsPerSecond` (its vendor's budget) from its next call on. */
  setRate(connectionId: string, requestsPerSecond: number): void {
    if (!(requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be greater than 0');
    this.spacingOf.set(connectionId, 1000 / requestsPerSecond);
  }

  /** The vendor said to wait: no call of this connection before `ms` from now. */
  pause(connectionId: string, ms: number): void {
    const until = this.now() + ms;
    if ((this.nextAt.get(connectionId) ?? 0) < until) this.nextAt.set(connectionId, until);
  }
}
