import { sleep } from './sleep.util';

/**
 * A connection's pace in requests per second (its vendor's budget), resolved once per connection and
 * kept: a connection's vendor never changes.
 */
export type RateOf = (connectionId: string) => number | Promise<number>;

interface Pace {
  /** When the connection's next call may go. */
  nextAt: number;
  /** Its spacing; undefined until its rate is resolved. */
  spacingMs?: number;
  resolving?: Promise<number>;
}

/**
 * Spaces one process's vendor calls per connection: at most its rate (evenly spaced, no bursts), and none
 * before a vendor's Retry-After has passed (`pause`), whichever stream asks. Each replica keeps its own
 * spacing; the per-connection lease bound keeps the number of replicas calling one connection small.
 *
 * The rate is one number for every connection, or `rateOf(connectionId)`, asked once per connection (on
 * its first call) and kept.
 */
export class ConnectionRateLimiter {
  private readonly paces = new Map<string, Pace>();
  /** The spacing of every connection when the rate is one number. */
  private readonly fixedSpacingMs: number | undefined;

  constructor(
    private readonly rate: number | RateOf,
    private readonly now: () => number = Date.now,
  ) {
    this.fixedSpacingMs = typeof rate === 'number' ? spacingOf(rate) : undefined;
  }

  /** Waits for the connection's next slot and takes it. */
  async take(connectionId: string, signal?: AbortSignal): Promise<void> {
    const pace = this.paceOf(connectionId);
    const spacingMs = pace.spacingMs ?? (await this.resolve(connectionId, pace));
    for (;;) {
      const now = this.now();
      if (pace.nextAt <= now) {
        pace.nextAt = now + spacingMs;
        return;
      }
      await sleep(pace.nextAt - now, signal);
    }
  }

  /** The vendor said to wait: no call of this connection before `ms` from now. */
  pause(connectionId: string, ms: number): void {
    const pace = this.paceOf(connectionId);
    pace.nextAt = Math.max(pace.nextAt, this.now() + ms);
  }

  private paceOf(connectionId: string): Pace {
    let pace = this.paces.get(connectionId);
    if (!pace) {
      pace =
        this.fixedSpacingMs === undefined ? { nextAt: 0 } : { nextAt: 0, spacingMs: this.fixedSpacingMs };
      this.paces.set(connectionId, pace);
    }
    return pace;
  }

  /** One resolution per connection at a time; a failed one is asked again on the next call. */
  private async resolve(connectionId: string, pace: Pace): Promise<number> {
    const { rate } = this;
    if (typeof rate === 'number') return spacingOf(rate);
    pace.resolving ??= Promise.resolve()
      .then(() => rate(connectionId))
      .then((rate) => {
        const spacing = spacingOf(rate, connectionId);
        pace.spacingMs = spacing;
        return spacing;
      })
      .finally(() => {
        pace.resolving = undefined;
      });
    return pace.resolving;
  }
}

function spacingOf(requestsPerSecond: number, connectionId?: string): number {
  if (!(requestsPerSecond > 0)) {
    throw new RangeError(
      `requestsPerSecond must be greater than 0${connectionId === undefined ? '' : ` (connection ${connectionId}: ${String(requestsPerSecond)})`}`,
    );
  }
  return 1000 / requestsPerSecond;
}
