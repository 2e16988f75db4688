/** One dependency the service needs to do its work (Postgres, NATS and its streams ...). */
export interface ReadinessCheck {
  /** Short, stable name: `postgres`, `nats`. Appears in /health/ready and boot errors. */
  name: string;
  /** Resolves when the dependency is usable; rejects with the reason otherwise. */
  check(): Promise<void>;
  /** Bound on one run of `check`; default DEFAULT_CHECK_TIMEOUT_MS. */
  timeoutMs?: number;
}

export interface CheckOutcome {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, CheckOutcome>;
}
