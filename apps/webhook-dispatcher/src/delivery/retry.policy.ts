/** How one HTTP attempt ended (the `outcome` column of webhook_attempts). */
export type AttemptOutcome = 'succeeded' | 'failed' | 'timeout' | 'network_error' | 'refused';

export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** The first KiB of the response body. */
  readonly responseExcerpt: string | null;
  /** Transport failure (timeout, refused address, connection reset ...). */
  readonly error: string | null;
  /** `Retry-After` of the response, in ms from now. */
  readonly retryAfterMs?: number;
  /** The receiver answered `webhook-delivery: abort-message`. */
  readonly abort: boolean;
}

export type Decision =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'failed'; readonly reason: 'exhausted' | 'aborted' }
  /** 410 Gone: the endpoint is disabled and the message fails. */
  | { readonly kind: 'gone' };

export interface RetryPolicySettings {
  /** Delays after attempt 1, 2, ... of a round. */
  readonly retryScheduleMs: readonly number[];
  /** ±fraction applied to each scheduled delay. */
  readonly jitter: number;
  /** Floor of the delay after a 429, a 503 or a timeout (the receiver is overloaded). */
  readonly throttleMinDelayMs: number;
}

const THROTTLING = new Set([429, 503]);

/**
 * What to do after an attempt (docs/webhooks.md "Retries"):
 * 2xx succeeds; 410 disables the endpoint; `webhook-delivery: abort-message` stops this message;
 * anything else (3xx included: redirects are not followed) is retried after the scheduled delay ± jitter
 * until the schedule is used up. 429 and 503 honour `Retry-After` clamped to [delay, 2 × delay], and they
 * and timeouts wait at least `throttleMinDelayMs`.
 *
 * @param attemptInRound 1 for the first attempt of the round (a resend or recovery starts a new round)
 */
export function decide(
  result: AttemptResult,
  attemptInRound: number,
  settings: RetryPolicySettings,
  random: () => number = Math.random,
): Decision {
  if (result.outcome === 'succeeded') return { kind: 'succeeded' };
  if (result.statusCode === 410) return { kind: 'gone' };
  if (result.abort) return { kind: 'failed', reason: 'aborted' };
  const scheduled = settings.retryScheduleMs[attemptInRound - 1];
  if (scheduled === undefined) return { kind: 'failed', reason: 'exhausted' };
  let delayMs = scheduled * (1 + settings.jitter * (2 * random() - 1));
  const throttled = result.statusCode !== null && THROTTLING.has(result.statusCode);
  if (throttled && result.retryAfterMs !== undefined) {
    delayMs = Math.min(Math.max(result.retryAfterMs, delayMs), 2 * delayMs);
  }
  if (throttled || result.outcome === 'timeout') delayMs = Math.max(delayMs, settings.throttleMinDelayMs);
  return { kind: 'retry', delayMs: Math.round(delayMs) };
}

/** `Retry-After: <seconds>` or `Retry-After: <HTTP-date>` → ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
