/**
 * The account's request limit: at most `perMinute` requests in any rolling minute (Housecall Pro
 * publishes no figure; 300/min is ours). A refused request is told the whole seconds (≥ 1) until the
 * oldest request leaves the window.
 */
export class HousecallProRateLimiter {
  private times: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number,
  ) {}

  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (this.perMinute <= 0) return { ok: true };
    const now = this.clock();
    while (this.times.length && (this.times[0] as number) <= now - 60_000) this.times.shift();
    if (this.times.length >= this.perMinute) {
      const waitMs = (this.times[0] as number) + 60_000 - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    this.times.push(now);
    return { ok: true };
  }

  clear(): void {
    this.times = [];
  }
}
