export enum MfaRelayErrorCode {
  /** The message has no 4–8 digit code in it. */
  CodeNotFound = 'mfa_code_not_found',
  /** Several numbers could be the code and nothing says which: guessing would risk a vendor lockout. */
  CodeAmbiguous = 'mfa_code_ambiguous',
  /** Not a phone number (sms) or an email address (email). */
  InvalidDestination = 'invalid_destination',
}

/**
 * A message the relay cannot use (mapped to 422 by the controller). `field` names the input at fault;
 * the message never contains the message body, a code or the destination.
 */
export class MfaRelayError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: MfaRelayErrorCode,
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MfaRelayError';
  }
}
