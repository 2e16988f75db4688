export enum BrowserPoolErrorCode {
  /** `close()` was called: no new page, and the pages in use are closed. */
  Closed = 'pool_closed',
  /** The caller's AbortSignal fired while waiting for a slot or while the page was in use. */
  Aborted = 'aborted',
  /** The page was in use longer than its `timeoutMs`. */
  Timeout = 'timeout',
  /** Chromium did not start (missing binary, no memory, ...). */
  LaunchFailed = 'launch_failed',
}

const RETRIABLE: Readonly<Record<BrowserPoolErrorCode, boolean>> = {
  [BrowserPoolErrorCode.Closed]: false,
  [BrowserPoolErrorCode.Aborted]: false,
  [BrowserPoolErrorCode.Timeout]: true,
  [BrowserPoolErrorCode.LaunchFailed]: true,
};

/** Why the pool could not run a page function to its end (never about what the function did). */
export class BrowserPoolError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: BrowserPoolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BrowserPoolError';
    this.retriable = RETRIABLE[code];
  }
}
