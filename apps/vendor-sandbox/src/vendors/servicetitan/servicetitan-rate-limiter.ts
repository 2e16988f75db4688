/**
 * ServiceTitan's per-tenant request limit: at most `perSecond` requests in any rolling second (a
 * sliding-window log of the last `perSecond` request times). A refused request is told how many whole
 * seconds (≥ 1) until the oldest request leaves the window.
 */
export class ServiceTitanRateLimiter {
  private readonly windows = new Map<number, number[]>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  take(tenant: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!this.enabled) return { ok: true };
    const now = this.clock();
    let times = this.windows.get(tenant);
    if (!times) this.windows.set(tenant, (times = []));
    while (times.length && (times[0] as number) <= now - 1000) times.shift();
    if (times.length >= this.perSecond) {
      const waitMs = (times[0] as number) + 1000 - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    times.push(now);
    return { ok: true };
  }

  clear(): void {
    this.windows.clear();
  }
}
