/** Injection token of the application's `Kysely<DB>` instance. */
export const DATABASE = Symbol('fieldsync.persistence.database');

/** Injection token of the options `PersistenceModule` was configured with. */
export const PERSISTENCE_OPTIONS = Symbol('fieldsync.persistence.options');

/** Postgres type OIDs whose parsing we override (see database.factory.ts). */
export const PG_DATE_OID = 1082;

/** Postgres NOTIFY channel the change log signals after appending events (delivered at commit). */
export const OUTBOX_CHANNEL = 'fieldsync_outbox';
