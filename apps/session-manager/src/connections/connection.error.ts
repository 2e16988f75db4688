export enum ConnectionErrorCode {
  NotFound = 'connection_not_found',
  TenantNotFound = 'tenant_not_found',
  Duplicate = 'connection_exists',
  VendorNotSupported = 'vendor_not_supported',
  UnknownStream = 'unknown_stream',
}

/** Expected failures of the connection registry (mapped to HTTP by the controller). */
export class ConnectionError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectionError';
  }
}
