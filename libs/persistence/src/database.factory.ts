import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import type { DB } from './generated/db.types';
import { PG_DATE_OID } from './persistence.constants';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

export const databaseOptionsSchema = z.object({
  url: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), 'must be a postgres:// or postgresql:// URL'),
  poolMax: z.number().int().positive().default(10),
  applicationName: z.string().min(1).max(63).default('fieldsync'),
  /** Server-side statement_timeout for every connection; unset = the server default (none). */
  statementTimeoutMs: z.number().int().positive().optional(),
  connectionTimeoutMs: z.number().int().positive().default(10_000),
  idleTimeoutMs: z.number().int().nonnegative().default(30_000),
});

export type DatabaseOptions = z.input<typeof databaseOptionsSchema> & {
  /**
   * Called when an idle pooled connection fails (e.g. Postgres restarted). The pool drops the client
   * and reconnects on the next query. Defaults to a process warning (never crashes the process).
   */
  onIdleClientError?: (error: Error) => void;
};

/**
 * Type parsing, per pool (the global `pg.types` registry is left alone):
 * - `int8`/`bigint` (sequences, money in minor units, counters) and `numeric` stay JS **strings**,
 *   pg's default: lossless, JSON-safe, and what the generated `Int8`/`Numeric` types say. Convert
 *   with `Number()` where the value is known to be small, or `BigInt()`.
 * - `date` stays the `YYYY-MM-DD` string (pg would build a local-midnight Date, which shifts days).
 * - `timestamptz` becomes a `Date`.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text'): unknown =>
    oid === PG_DATE_OID && format === 'text'
      ? (value: string) => value
      : (pg.types.getTypeParser(oid, format) as unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A `Kysely<DB>` over a `pg.Pool`. Destroy it (`db.destroy()`) to close the pool. */
export function createDatabase(options: DatabaseOptions): Kysely<DB> {
  const parsed = databaseOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new PersistenceError(
      PersistenceErrorCode.InvalidOptions,
      `Invalid database options: ${fields.join('; ')}`,
    );
  }
  const config = parsed.data;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolMax,
    application_name: config.applicationName,
    statement_timeout: config.statementTimeoutMs,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    idleTimeoutMillis: config.idleTimeoutMs,
    types: typeParsers,
  });
  const onIdleClientError =
    options.onIdleClientError ??
    ((error: Error) =>
      process.emitWarning(`Idle Postgres client failed: ${error.message}`, 'PersistenceWarning'));
  pool.on('error', onIdleClientError);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
