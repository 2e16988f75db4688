/** How the extractor schedules and runs streams (from ExtractorConfig; see env-docs). */
export interface SyncOptions {
  /** Lease owner name of this worker (unique per replica). */
  readonly workerId: string;
  /** Lease length; renewed every third of it while a run lasts. */
  readonly leaseMs: number;
  /** How often an idle worker looks for due cursors. */
  readonly pollIntervalMs: number;
  /** Streams this worker runs at once. */
  readonly concurrency: number;
  /** Streams of one connection leased at once (across replicas, as a bound on claims). */
  readonly perConnectionConcurrency: number;
  /**
   * Vendor calls per second per connection (per replica) for every vendor, set by an operator; unset,
   * each connection is paced at its connector's `requestsPerSecond` (its vendor's budget) or
   * DEFAULT_REQUESTS_PER_SECOND.
   */
  readonly requestsPerSecond?: number;
  /** Attempts of one vendor call on 5xx / timeouts before the run fails (rate limits do not count). */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Longest one vendor call waits out rate limits in all before it counts as a failure of the run. */
  readonly maxRetryAfterMs: number;
  /**
   * Bound on one try of a page read (the connector's requests for it); past it the try counts as the
   * vendor being unavailable and is retried with backoff, so a request that never answers cannot hold a
   * stream (and its lease) for good.
   */
  readonly vendorTimeoutMs: number;
  /** A failed run is retried after backoff from this base, up to the stream's interval × 10 (at most 1 h). */
  readonly failureBackoffBaseMs: number;
  /** Full reconciliation period of streams without delete signals. */
  readonly reconcileIntervalMs: number;
  /**
   * A stream that quarantined drifted records reads again from the checkpoint before its first drifted
   * page this often, until they fit (the vendor sends an unchanged record only once).
   */
  readonly driftRetryMs: number;
  /** Interval overrides: `<vendor>.<stream>` or `<stream>` → ms. */
  readonly intervalOverrides: ReadonlyMap<string, number>;
  /** How often the cursors of new connections are created. */
  readonly ensureIntervalMs: number;
}
