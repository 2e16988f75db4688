export enum NewVendorErrorCode {
  /** Not an id of the canonical model's VENDORS, or not usable in file names and identifiers. */
  UnknownVendor = 'unknown_vendor',
  /** The vendor already has a connector or sandbox folder, or a registry line, or a path alias. */
  VendorExists = 'vendor_exists',
  /** The sandbox has no port for the vendor (DEFAULT_PORTAL_PORTS). */
  NoPort = 'no_port',
  /** A file the generator reads or edits is missing or no longer has the shape it edits. */
  UnexpectedShape = 'unexpected_shape',
  /** A write would land outside the root (through a symlink) or on an existing file. */
  UnsafeWrite = 'unsafe_write',
}

/** Why the generator refused: nothing has been written when it throws. */
export class NewVendorError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: NewVendorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NewVendorError';
  }
}
