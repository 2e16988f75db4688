export enum EgressErrorCode {
  /** The destination address is not allowed (SSRF policy). */
  Refused = 'egress_refused',
  /** The URL itself is unusable (scheme, credentials, length). */
  InvalidUrl = 'invalid_url',
}

/** A destination the dispatcher will not call. Never retriable by itself: the endpoint must change. */
export class EgressError extends Error {
  override readonly name = 'EgressError';
  readonly retriable = false;
  constructor(
    readonly code: EgressErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
