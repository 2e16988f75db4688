export enum VaultErrorCode {
  InvalidKey = 'invalid_key',
  UnknownKey = 'unknown_key',
  Malformed = 'malformed',
  /** Authentication failed: the ciphertext, its context or the key is not the one it was sealed with. */
  Tampered = 'tampered',
}

/** Never carries plaintext, keys or ciphertext: only what went wrong and which key id. */
export class VaultError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: VaultErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VaultError';
  }
}
