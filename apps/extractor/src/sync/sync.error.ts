/** Why a stream run ended without catching up. */
export enum SyncErrorCode {
  /** The vendor kept answering 401/403 after a fresh session. */
  Unauthorized = 'unauthorized',
  /** 429s or 5xx beyond the retry budget. */
  VendorUnavailable = 'vendor_unavailable',
  /** Another worker holds the stream now (our lease ran out); our page was rolled back. */
  LeaseLost = 'lease_lost',
  /** No session could be acquired from the session manager. */
  SessionUnavailable = 'session_unavailable',
  /** The reader or the store failed in a way retries will not fix by themselves. */
  Failed = 'failed',
}

export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SyncError';
  }
}
