export { createDatabase, databaseOptionsSchema, type DatabaseOptions } from './database.factory';
export {
  checkDatabase,
  databaseReadinessCheck,
  pingDatabase,
  type CheckDatabaseOptions,
} from './database-health.util';
export {
  getMigrationStatus,
  migrateDown,
  migrateToLatest,
  type MigrateDownTarget,
  type MigrationReport,
  type MigrationStatus,
} from './migration.runner';
export { MIGRATIONS } from './migrations/migration.provider';
export { DATABASE, OUTBOX_CHANNEL, PERSISTENCE_OPTIONS } from './persistence.constants';
export { PersistenceError, PersistenceErrorCode } from './persistence.error';
export type * from './generated/db.types';
export { PersistenceModule, type PersistenceModuleAsyncOptions } from './persistence.module';
export {
  ChangeEventRepository,
  type ChangeEventInsert,
  type ChangeEventRow,
} from './repositories/change-event.repository';
export {
  ChangeLog,
  PLATFORM_EVENT_VENDOR,
  type ChangeScope,
  type RecordOptions,
  type RecordedChanges,
} from './change-log/change-log';
export {
  SYNCED_CONNECTION_STATUSES,
  SyncCursorRepository,
  cursorStateSchema,
  parseCursorState,
  reconciliationAnswers,
  reconciliationRequested,
  type ClaimedCursor,
  type CursorKey,
  type CursorState,
  type StreamInterval,
  type StreamLease,
  type StreamSyncStatus,
} from './repositories/sync-cursor.repository';
export { ConnectionRoleRepository } from './repositories/connection-role.repository';
export {
  TenantRepository,
  type NewTenant,
  type TenantRow,
  type TenantStatus,
} from './repositories/tenant.repository';
export {
  CanonicalStoreRepository,
  contentHash,
  type MappedRecord,
  type StoreChange,
  type StoreScope,
  type StoredPage,
} from './canonical-store/canonical-store.repository';
export {
  ENTITY_TABLES,
  entityTable,
  projectColumns,
  type EntityTableSpec,
} from './canonical-store/entity-tables.constants';
