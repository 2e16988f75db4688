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
export { DATABASE, PERSISTENCE_OPTIONS } from './persistence.constants';
export { PersistenceError, PersistenceErrorCode } from './persistence.error';
export type * from './generated/db.types';
export { PersistenceModule, type PersistenceModuleAsyncOptions } from './persistence.module';
export {
  ChangeEventRepository,
  type AppendedChangeEvent,
  type ChangeEventRow,
  type NewChangeEvent,
} from './repositories/change-event.repository';
export {
  TenantRepository,
  type NewTenant,
  type TenantRow,
  type TenantStatus,
} from './repositories/tenant.repository';
export {
  CanonicalStoreRepository,
  contentHash,
  lockConnectionStore,
  type MappedRecord,
  type StoreScope,
  type StoredPage,
} from './canonical-store/canonical-store.repository';
export {
  ENTITY_TABLES,
  entityTable,
  projectColumns,
  type EntityTableSpec,
} from './canonical-store/entity-tables.constants';
