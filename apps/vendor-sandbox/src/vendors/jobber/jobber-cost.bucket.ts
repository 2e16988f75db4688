import type { Clock } from '../../portal/clock.types';

export interface CostBucketOptions {
  /** Points the bucket holds (Jobber: 10,000). */
  maximumAvailable: number;
  /** Points restored per second (Jobber: 500). */
  restoreRate: number;
}

export const JOBBER_COST_BUCKET: CostBucketOptions = { maximumAvailable: 10_000, restoreRate: 500 };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Jobber's query-cost leaky bucket, one per account: a query is admitted when its requested cost is
 * available, which is then taken; the difference between requested and actual cost is given back after
 * execution. Points come back at `restoreRate` per second of the injected clock, up to the maximum.
 */
export class CostBucket {
  private available: number;
  private at: number;

  constructor(
    private readonly options: CostBucketOptions,
    private readonly clock: Clock,
  ) {
    this.available = options.maximumAvailable;
    this.at = clock();
  }

  /** Takes `cost` points if available; false (and nothing taken) otherwise. */
  take(cost: number): boolean {
    this.restore();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.restore();
    this.available = Math.min(this.options.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.restore();
    return {
      maximumAvailable: this.options.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.options.restoreRate,
    };
  }

  reset(): void {
    this.available = this.options.maximumAvailable;
    this.at = this.clock();
  }

  private restore(): void {
    const now = this.clock();
    if (now > this.at) {
      this.available = Math.min(
        this.options.maximumAvailable,
        this.available + ((now - this.at) / 1000) * this.options.restoreRate,
      );
    }
    this.at = Math.max(this.at, now);
  }
}

/** Jobber's DDoS guard: 2,500 requests per 300 s per app and account → HTTP 429. Sliding window. */
export class RequestWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Records a request; the seconds to wait when it is over the limit (then not recorded). */
  admit(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock();
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.limit) {
      const wait = (this.times[0] as number) + this.windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    this.times.push(now);
    return { ok: true };
  }

  reset(): void {
    this.times.length = 0;
  }
}
