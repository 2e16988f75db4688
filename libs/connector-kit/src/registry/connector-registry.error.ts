export enum ConnectorRegistryErrorCode {
  UnknownVendor = 'unknown_vendor',
  DuplicateVendor = 'duplicate_vendor',
  InvalidDescriptor = 'invalid_descriptor',
  /** The descriptor and the code behind it disagree (a declared stream or command without code, ...). */
  UnbackedCapability = 'unbacked_capability',
}

/** A registry error is a startup error: never retriable, never a silent fallback. */
export class ConnectorRegistryError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: ConnectorRegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorRegistryError';
  }
}
