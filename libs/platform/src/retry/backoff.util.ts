/** How a backoff delay is spread (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export type Jitter =
  /** Half the step fixed, half random: never sooner than half the step. */
  | 'equal'
  /** Uniform between the base and the step: spreads retries the most. */
  | 'full';

/**
 * The delay before attempt `attempt` (counting from 1): the step `baseMs · 2^(attempt-1)`, capped at
 * `maxMs`, jittered. Hand-written: a few lines do not justify a dependency, and the libraries that fit
 * (p-retry, exponential-backoff) own the retry loop, which here is a stored next-run time or the
 * caller's own loop.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  options: { readonly jitter?: Jitter; readonly random?: () => number } = {},
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  const random = options.random ?? Math.random;
  if (options.jitter === 'full') return Math.round(baseMs + random() * Math.max(0, step - baseMs));
  return Math.round(step / 2 + random() * (step / 2));
}
