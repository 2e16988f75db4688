/** Why `acquire` did not return a session (the codes cross NATS and HTTP as they are: libs/session-client SESSION_ERROR_CODES). */
export enum SessionErrorCode {
  ConnectionNotFound = 'connection_not_found',
  ConnectionDisabled = 'connection_disabled',
  NeedsAttention = 'needs_attention',
  LoginFailed = 'login_failed',
  MfaTimeout = 'mfa_timeout',
  VendorUnavailable = 'vendor_unavailable',
  Internal = 'internal',
}

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    readonly retriable: boolean,
    readonly retryAt?: Date,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionError';
  }
}
