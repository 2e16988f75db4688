/**
 * A token bucket: `ratePerSecond` tokens per second, holding at most `burst` (default one second's
 * worth), so an endpoint limited to 10/s gets at most 10 requests in any second after a quiet spell.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  readonly burst: number;

  constructor(
    readonly ratePerSecond: number,
    now: number = Date.now(),
    burst?: number,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.burst = Math.max(1, burst ?? ratePerSecond);
    this.tokens = this.burst;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1_000) * this.ratePerSecond);
      this.updatedAt = now;
    }
  }

  /** Takes a token when one is there. */
  tryTake(now: number = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0 when one is). */
  msUntilToken(now: number = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000);
  }
}
