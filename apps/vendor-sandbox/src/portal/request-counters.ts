/** Data requests a portal answered, by outcome (what `GET /__sandbox/requests` reports). */
export interface RequestCounts {
  /** Every request behind the session (the vendor's API and web app; logins and the control API aside). */
  total: number;
  /** 2xx and 3xx. */
  ok: number;
  /** 429: the vendor's rate limit (its own or a fault). */
  rateLimited: number;
  /** 401 and 403: no session, an ended one, CSRF. */
  refused: number;
  /** Other 4xx: a call the vendor found wrong. */
  clientErrors: number;
  /** 5xx. */
  serverErrors: number;
  /**
   * A vendor that budgets by query cost (Jobber's GraphQL bucket): the points its answers charged and the
   * requests it refused as THROTTLED (at HTTP 200, so counted as `ok` above). Null for a vendor without one.
   */
  queryCost: { charged: number; throttled: number } | null;
}

const zero = (): RequestCounts => ({
  total: 0,
  ok: 0,
  rateLimited: 0,
  refused: 0,
  clientErrors: 0,
  serverErrors: 0,
  queryCost: null,
});

/**
 * Counts of the requests behind a portal's session, by outcome, since its start or its last reset, with
 * the time of the first and last: what a benchmark needs to say how much of a vendor's rate budget a
 * backfill used and how often it was throttled.
 */
export class RequestCounters {
  private counts = zero();
  private firstAt: number | null = null;
  private lastAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  count(status: number): void {
    const at = this.now();
    this.firstAt ??= at;
    this.lastAt = at;
    this.counts.total += 1;
    if (status === 429) this.counts.rateLimited += 1;
    else if (status === 401 || status === 403) this.counts.refused += 1;
    else if (status >= 500) this.counts.serverErrors += 1;
    else if (status >= 400) this.counts.clientErrors += 1;
    else this.counts.ok += 1;
  }

  /** A query-cost answer: the points it charged, or its refusal (THROTTLED) when `throttled`. */
  chargeCost(points: number, throttled: boolean): void {
    const cost = (this.counts.queryCost ??= { charged: 0, throttled: 0 });
    cost.charged += points;
    if (throttled) cost.throttled += 1;
  }

  snapshot(): RequestCounts & { firstAt: string | null; lastAt: string | null } {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const queryCost = this.counts.queryCost ? { ...this.counts.queryCost } : null;
    return { ...this.counts, queryCost, firstAt: iso(this.firstAt), lastAt: iso(this.lastAt) };
  }

  clear(): void {
    this.counts = zero();
    this.firstAt = null;
    this.lastAt = null;
  }
}
