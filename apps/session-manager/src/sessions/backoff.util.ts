/**
 * Exponential backoff with "equal jitter" (AWS architecture blog): half the exponential delay fixed,
 * half random, so retries of many connections spread out but never come back sooner than half the
 * step. `attempt` counts from 1. Hand-written: three lines do not justify a dependency, and the
 * libraries that fit (p-retry, exponential-backoff) own the retry loop, which here is a stored
 * `next_login_at` instead.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
