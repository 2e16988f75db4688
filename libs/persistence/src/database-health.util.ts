import { performance } from 'node:perf_hooks';
import type { ReadinessCheck } from '@fieldsync/platform';
import { Kysely, sql } from 'kysely';
import { MIGRATIONS } from './migrations/migration.provider';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

/** Round-trips `select 1`; resolves with the latency in milliseconds. */
export async function pingDatabase<Database>(db: Kysely<Database>): Promise<number> {
  const start = performance.now();
  await sql`select 1`.execute(db);
  return performance.now() - start;
}

export interface CheckDatabaseOptions {
  /** Fail when Postgres does not answer within this time. Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Also fail when a migration this build knows is not applied yet. Default true. */
  readonly requireMigrations?: boolean;
}

/**
 * Readiness check for `/health/ready`: Postgres answers, and (by default) every migration this build
 * knows is applied — a schema that is ahead is fine (expand/contract deploys). Throws a
 * `PersistenceError` with a message fit for a health report; never includes the connection string.
 */
export async function checkDatabase<Database>(
  db: Kysely<Database>,
  options: CheckDatabaseOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PersistenceError(
            PersistenceErrorCode.DatabaseUnreachable,
            `Postgres did not answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const applied = await Promise.race([appliedMigrations(db), timeout]);
    if (options.requireMigrations === false) return;
    const pending = MIGRATIONS.map(([name]) => name).filter((name) => !applied.has(name));
    if (pending.length > 0) {
      throw new PersistenceError(
        PersistenceErrorCode.SchemaBehind,
        `Database schema is behind: ${pending.length} migration(s) pending (${pending.join(', ')}); run the db:migrate job`,
      );
    }
  } catch (error) {
    if (error instanceof PersistenceError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PersistenceError(
      PersistenceErrorCode.DatabaseUnreachable,
      `Postgres is not reachable: ${reason}`,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

async function appliedMigrations<Database>(db: Kysely<Database>): Promise<Set<string>> {
  // to_regclass answers null instead of failing when nothing was ever migrated
  const probe = await sql<{
    table: string | null;
  }>`select to_regclass('kysely_migration')::text as table`.execute(db);
  if (!probe.rows[0]?.table) return new Set();
  const result = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return new Set(result.rows.map((row) => row.name));
}

/** The `postgres` readiness check of a service's /health/ready (and of its boot). */
export function databaseReadinessCheck<Database>(db: Kysely<Database>, timeoutMs = 2_000): ReadinessCheck {
  return { name: 'postgres', timeoutMs, check: () => checkDatabase(db, { timeoutMs }) };
}
