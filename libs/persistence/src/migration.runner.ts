import { inspect } from 'node:util';
import { Kysely, MigrationResultSet, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { StaticMigrationProvider } from './migrations/migration.provider';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

export interface MigrationReport {
  readonly direction: 'up' | 'down';
  /** Names of the migrations this call ran (in the order run); empty when there was nothing to do. */
  readonly applied: readonly string[];
}

export type MigrateDownTarget = { readonly steps: number } | { readonly to: 'zero' };

export interface MigrationStatus {
  readonly name: string;
  readonly executedAt: Date | undefined;
}

/*
 * Concurrency: Kysely 0.28's Postgres adapter pins one connection, takes a *session-level*
 * `pg_advisory_lock` (not an xact lock) with a 1 h lock_timeout, and runs the whole batch in one
 * transaction while holding it; it reads the applied list only after taking the lock. Creating its
 * bookkeeping tables happens before the lock but tolerates a concurrent creator. So concurrent
 * migrators on one database serialise and each migration runs once (an int-spec proves it); we add
 * no lock of our own. Because the batch is one transaction, a failure applies nothing.
 */
function migrator<Database>(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: new StaticMigrationProvider() });
}

/**
 * Runs `work` with a migrator on one connection whose statement_timeout is lifted for the run: the
 * application's timeout (DATABASE_STATEMENT_TIMEOUT, meant for queries) must not cancel DDL that takes
 * longer on a loaded or large database (the whole batch would roll back, and a deploy would fail for
 * nothing). The connection's own setting is restored afterwards, before it returns to the pool.
 */
async function onMigrationConnection<Database, T>(
  db: Kysely<Database>,
  work: (m: Migrator) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`set statement_timeout = 0`.execute(connection);
    try {
      return await work(migrator(connection));
    } finally {
      await sql`reset statement_timeout`.execute(connection);
    }
  });
}

function toReport(direction: 'up' | 'down', resultSet: MigrationResultSet): MigrationReport {
  const { error, results = [] } = resultSet;
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : inspect(error);
    const what =
      failed === undefined ? `Migrating ${direction} failed` : `Migration ${failed} (${direction}) failed`;
    throw new PersistenceError(
      PersistenceErrorCode.MigrationFailed,
      `${what}: ${reason}. The run is one transaction, so nothing was applied.`,
      { cause: error },
    );
  }
  return {
    direction,
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
  };
}

/** Applies every pending migration, in one transaction, under Kysely's advisory lock. */
export async function migrateToLatest<Database>(db: Kysely<Database>): Promise<MigrationReport> {
  return toReport('up', await onMigrationConnection(db, (m) => m.migrateToLatest()));
}

/** Reverts the last `steps` applied migrations, or all of them (`{ to: 'zero' }`), in one transaction. */
export async function migrateDown<Database>(
  db: Kysely<Database>,
  target: MigrateDownTarget,
): Promise<MigrationReport> {
  if ('to' in target) {
    return toReport('down', await onMigrationConnection(db, (m) => m.migrateTo(NO_MIGRATIONS)));
  }
  if (!Number.isInteger(target.steps) || target.steps < 1) {
    throw new PersistenceError(
      PersistenceErrorCode.InvalidOptions,
      `migrateDown: steps must be a positive integer, got ${target.steps}`,
    );
  }
  const steps = target.steps;
  return toReport(
    'down',
    await onMigrationConnection(db, async (m) => {
      const executed = (await m.getMigrations()).filter((migration) => migration.executedAt !== undefined);
      const keep = executed[executed.length - 1 - steps];
      return m.migrateTo(keep === undefined ? NO_MIGRATIONS : keep.name);
    }),
  );
}

/** Every migration this build knows, with when it was applied (undefined = pending). */
export async function getMigrationStatus<Database>(db: Kysely<Database>): Promise<MigrationStatus[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.map(({ name, executedAt }) => ({ name, executedAt }));
}
