export enum PersistenceErrorCode {
  InvalidOptions = 'invalid_options',
  DatabaseUnreachable = 'database_unreachable',
  SchemaBehind = 'schema_behind',
  MigrationFailed = 'migration_failed',
  TenantMismatch = 'tenant_mismatch',
}

const RETRIABLE: Record<PersistenceErrorCode, boolean> = {
  [PersistenceErrorCode.InvalidOptions]: false,
  [PersistenceErrorCode.DatabaseUnreachable]: true,
  [PersistenceErrorCode.SchemaBehind]: true,
  [PersistenceErrorCode.MigrationFailed]: false,
  [PersistenceErrorCode.TenantMismatch]: false,
};

/** A failure of the persistence layer. Messages never contain connection strings or secrets. */
export class PersistenceError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersistenceError';
    this.retriable = RETRIABLE[code];
  }
}
