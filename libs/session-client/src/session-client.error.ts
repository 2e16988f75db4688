import type { SessionErrorCode } from './sessions.schema';

export enum SessionEnvelopeErrorCode {
  /** A key, a connection id or a requester name that cannot be used (bad length, bad characters). */
  InvalidInput = 'invalid_input',
  /** The envelope is not a v1 envelope (missing field, bad base64, wrong lengths). */
  Malformed = 'malformed',
  /**
   * AES-GCM did not authenticate: tampered, or sealed for another connection, requester, session
   * version or key pair.
   */
  Unauthenticated = 'unauthenticated',
  /** It authenticated but the plaintext is not a CapturedSession (a sealer bug, never an attack). */
  BadPlaintext = 'bad_plaintext',
}

/** Never carries plaintext, keys or ciphertext: only what went wrong and for which connection. */
export class SessionEnvelopeError extends Error {
  override readonly name = 'SessionEnvelopeError';
  readonly retriable = false;

  constructor(
    readonly code: SessionEnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * What went wrong on the caller's side of a session request, beside the session manager's own codes:
 * no answer in time, NATS refused or dropped the request, a reply that is not the v1 contract, or an
 * envelope that does not open.
 */
export type SessionClientFailureCode = 'timeout' | 'transport' | 'bad_reply' | 'envelope';

export type SessionClientErrorCode = SessionErrorCode | SessionClientFailureCode;

/** A session request that failed. `retriable` says whether asking again later can succeed. */
export class SessionClientError extends Error {
  override readonly name: string = 'SessionClientError';

  constructor(
    readonly code: SessionClientErrorCode,
    message: string,
    readonly retriable: boolean,
    readonly connectionId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `acquire()` failed: the session manager said why (`code`), or the request never got a usable answer. */
export class SessionAcquireError extends SessionClientError {
  override readonly name: string = 'SessionAcquireError';
}
