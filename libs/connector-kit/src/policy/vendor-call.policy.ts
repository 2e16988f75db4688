import { DelegateBackoff, handleWhen, retry, wrap, type IRetryBackoffContext } from 'cockatiel';
import { backoffDelayMs, sleep } from '@fieldsync/platform';
import { VendorCallError, type VendorCallFailure } from '../sync/sync-reader.types';

/** How hard the extractor (reads) and the writer (writes) try one vendor call. */
export interface VendorCallPolicyOptions {
  /** Tries of one call against 5xx, timeouts and (when waited out) 429s, the first included. */
  readonly maxAttempts: number;
  /** Full-jitter exponential backoff between tries after a 5xx or a timeout: base and cap. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /**
   * A rate limit (429, THROTTLED): `wait` sleeps its Retry-After and tries again (reads, which hold
   * nothing while they wait); `yield` gives up at once so the caller can come back later (the writer
   * naks the command with the delay instead of holding an execution slot).
   */
  readonly onRateLimit: 'wait' | 'yield';
  /** `wait`: the longest one call waits out rate limits in all (one Retry-After or several in a row). */
  readonly maxRetryAfterMs: number;
  /** Bound on one try; a try past it counts as `unavailable` (the vendor may still have applied it). */
  readonly attemptTimeoutMs?: number;
}

export interface VendorCallHooks {
  /**
   * The vendor refused the session (401, a login page instead of data): invalidate it and get a new one.
   * Called at most once per call; a fresh session refused too ends the call.
   */
  renewSession(failure: Extract<VendorCallFailure, { kind: 'unauthorized' }>): Promise<void>;
  /** Every failure the policy met (metrics), before it decides. */
  onFailure?(failure: VendorCallFailure): void;
  /** A rate limit: hold the connection's other requests for its Retry-After (the limiter's pause). */
  onRateLimited?(retryAfterMs: number): void;
  /** A try is about to be repeated after `delayMs` (logging). */
  onRetry?(failure: VendorCallFailure, attempt: number, delayMs: number): void;
  /**
   * Runs before every try, outside its `attemptTimeoutMs` (a rate limiter's wait for its turn, which must
   * not eat the try's budget). `signal` aborts with the call's signal.
   */
  beforeTry?(signal: AbortSignal): Promise<void>;
}

/** The policy stopped trying: why, after how many tries, and the last failure. */
export class VendorCallGaveUp extends Error {
  override readonly name = 'VendorCallGaveUp';
  constructor(
    readonly failure: VendorCallFailure,
    readonly attempts: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const failureOf = (error: unknown): VendorCallFailure | undefined =>
  error instanceof VendorCallError ? error.failure : undefined;

/**
 * One vendor call under the vendor-call policy (DESIGN "The vendor plug-in"), the same for the
 * extractor's reads and the writer's writes:
 *
 *  - 401 → `renewSession` (invalidate, new login) and try once more; refused again → give up;
 *  - 429 / THROTTLED → `onRateLimited`, then wait its Retry-After and try again (`wait`, while the
 *    call's waits stay within `maxRetryAfterMs` in all; flow control, not a failed try) or give up at
 *    once (`yield`);
 *  - 5xx, timeouts, dropped connections → exponential backoff with full jitter (platform's
 *    backoffDelayMs), up to `maxAttempts` tries;
 *  - anything else (a vendor refusal, a bug) → thrown as it is, never retried.
 *
 * The retry decisions are cockatiel's (a reauth policy around a transient-failure policy). cockatiel 3
 * cannot abort its own backoff sleep, so the wait it plans is slept at the start of the next try, where
 * `signal` (a shutdown) cuts it short. `beforeTry` (a limiter's wait) runs before each try, outside its
 * timeout; `call` gets a signal that aborts with `signal` or the try's timeout.
 * Gives up with VendorCallGaveUp (the last failure, the tries made); an abort rejects with the signal's
 * reason.
 */
export async function callVendor<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: VendorCallPolicyOptions,
  hooks: VendorCallHooks,
  signal: AbortSignal,
): Promise<T> {
  let attempts = 0;
  let wait = 0;
  // 5xx, timeouts, dropped connections: backoff with jitter, up to maxAttempts tries.
  const transient = retry(
    handleWhen((error) => failureOf(error)?.kind === 'unavailable'),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
        const failure = 'error' in context.result ? failureOf(context.result.error) : undefined;
        wait = backoffDelayMs(context.attempt, options.retryBaseMs, options.retryMaxMs, { jitter: 'full' });
        if (failure) hooks.onRetry?.(failure, context.attempt, wait);
        return 0;
      }),
    },
  );
  // Rate limits (`wait`): the vendor says how long; waited out while the call's waits stay within
  // maxRetryAfterMs in all. They are flow control, not failures: they do not use up maxAttempts.
  let throttledMs = 0;
  const throttle = retry(
    handleWhen((error) => {
      const failure = failureOf(error);
      return (
        failure?.kind === 'rate_limited' &&
        options.onRateLimit === 'wait' &&
        throttledMs + failure.retryAfterMs <= options.maxRetryAfterMs
      );
    }),
    {
      maxAttempts: Number.MAX_SAFE_INTEGER,
      backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
        const failure = 'error' in context.result ? failureOf(context.result.error) : undefined;
        wait = failure?.kind === 'rate_limited' ? failure.retryAfterMs : 0;
        throttledMs += wait;
        if (failure) hooks.onRetry?.(failure, context.attempt, wait);
        return 0;
      }),
    },
  );
  const reauth = retry(
    handleWhen((error) => failureOf(error)?.kind === 'unauthorized'),
    { maxAttempts: 1 },
  );
  // The renewal starts when cockatiel decides to retry and is awaited by the next try.
  let renewal: Promise<void> | undefined;
  reauth.onRetry((event) => {
    wait = 0;
    const failure = 'error' in event ? failureOf(event.error) : undefined;
    if (failure?.kind !== 'unauthorized') return;
    hooks.onRetry?.(failure, 1, 0);
    renewal = hooks.renewSession(failure);
    // Awaited by the next try; a rejection before then must not go unhandled.
    renewal.catch(() => undefined);
  });

  try {
    return await wrap(reauth, throttle, transient).execute(async () => {
      if (renewal) {
        const renewing = renewal;
        renewal = undefined;
        await renewing;
      }
      if (wait > 0) await sleep(wait, signal);
      wait = 0;
      if (signal.aborted) throw signal.reason as Error;
      await hooks.beforeTry?.(signal);
      attempts += 1;
      const timeout =
        options.attemptTimeoutMs === undefined ? undefined : AbortSignal.timeout(options.attemptTimeoutMs);
      const trySignal = timeout ? AbortSignal.any([signal, timeout]) : signal;
      try {
        return await call(trySignal);
      } catch (error) {
        if (signal.aborted) throw error;
        const failure =
          failureOf(error) ??
          (timeout?.aborted
            ? ({ kind: 'unavailable', message: `no answer within ${options.attemptTimeoutMs} ms` } as const)
            : undefined);
        if (failure === undefined) throw error;
        hooks.onFailure?.(failure);
        if (failure.kind === 'rate_limited') hooks.onRateLimited?.(failure.retryAfterMs);
        if (error instanceof VendorCallError) throw error;
        throw new VendorCallError(failure, `no answer within ${options.attemptTimeoutMs} ms`, {
          cause: error,
        });
      }
    }, signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
    const failure = failureOf(error);
    if (!failure) throw error;
    throw new VendorCallGaveUp(
      failure,
      attempts,
      gaveUpMessage(failure, attempts, options, error, throttledMs),
      {
        cause: error,
      },
    );
  }
}

function gaveUpMessage(
  failure: VendorCallFailure,
  attempts: number,
  options: VendorCallPolicyOptions,
  error: unknown,
  throttledMs: number,
): string {
  const detail = error instanceof Error ? error.message : String(error);
  switch (failure.kind) {
    case 'unauthorized':
      return `the vendor refused a fresh session too (HTTP ${failure.status})`;
    case 'rate_limited':
      return options.onRateLimit === 'yield'
        ? `the vendor asked to wait ${failure.retryAfterMs} ms`
        : failure.retryAfterMs > options.maxRetryAfterMs
          ? `rate limited for ${failure.retryAfterMs} ms (more than ${options.maxRetryAfterMs})`
          : `rate limited for more than ${options.maxRetryAfterMs} ms in all (${throttledMs} ms waited, ${attempts} attempts): ${detail}`;
    case 'unavailable':
      return `unavailable after ${attempts} attempts: ${detail}`;
  }
}
