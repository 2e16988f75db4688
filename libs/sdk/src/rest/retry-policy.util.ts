/** How the client retries a request the API may safely see twice. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 = never retry). */
  readonly maxAttempts?: number;
  /** Backoff base (default 250 ms): attempt n waits a random time in [0, base·2ⁿ⁻¹], at most maxDelayMs. */
  readonly baseDelayMs?: number;
  /** Cap of one wait, and the longest Retry-After honoured (default 20 s): a longer one is not waited for. */
  readonly maxDelayMs?: number;
}

export const DEFAULT_RETRY = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 20_000 } as const;

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Statuses worth another attempt: 429 (rate limited) and 5xx (the API or the vendor behind it failed). */
export const isRetriableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1), or undefined when the request must not be
 * retried: attempts exhausted, or the server asked for a wait longer than maxDelayMs. Full jitter on the
 * exponential backoff; Retry-After is honoured plus up to 10 % of jitter, so clients told the same moment
 * do not all come back at once.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= options.maxAttempts) return undefined;
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    if (ms > options.maxDelayMs) return undefined;
    return Math.min(options.maxDelayMs, Math.round(ms + ms * 0.1 * random()));
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * random());
}
