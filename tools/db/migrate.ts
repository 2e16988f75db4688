// `npm run db:migrate [-- --down N | --to zero]`: migrates the database named by DATABASE_URL.
// Meant to run once per deploy (also as a Kubernetes Job); concurrent runs serialise on an advisory
// lock. Exit 0 on success, 1 on any failure (with the failing migration's name).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createDatabase, getMigrationStatus, migrateDown, migrateToLatest } from '@fieldsync/persistence';
import { describeDatabaseUrl, readDatabaseUrl } from './db-env.schema';

const logger = pino({ name: 'db-migrate' });

type Plan = { direction: 'up' } | { direction: 'down'; steps: number } | { direction: 'down'; to: 'zero' };

function parsePlan(argv: string[]): Plan {
  const { values } = parseArgs({ args: argv, options: { down: { type: 'string' }, to: { type: 'string' } } });
  if (values.down !== undefined && values.to !== undefined)
    throw new Error('use either --down N or --to zero');
  if (values.to !== undefined) {
    if (values.to !== 'zero') throw new Error(`--to accepts only "zero", got "${values.to}"`);
    return { direction: 'down', to: 'zero' };
  }
  if (values.down !== undefined) {
    const steps = Number(values.down);
    if (!Number.isInteger(steps) || steps < 1)
      throw new Error(`--down needs a positive integer, got "${values.down}"`);
    return { direction: 'down', steps };
  }
  return { direction: 'up' };
}

async function main(): Promise<number> {
  let plan: Plan;
  try {
    plan = parsePlan(process.argv.slice(2));
  } catch (error) {
    logger.error(`invalid arguments: ${(error as Error).message}`);
    return 1;
  }
  const env = readDatabaseUrl(process.env);
  if (!env.ok) {
    logger.error({ variable: 'DATABASE_URL' }, `invalid configuration: ${env.message}`);
    return 1;
  }
  const target = describeDatabaseUrl(env.url);
  const db = createDatabase({ url: env.url, poolMax: 2, applicationName: 'fieldsync-db-migrate' });
  try {
    logger.info({ database: target, plan }, 'migrating');
    const report = plan.direction === 'up' ? await migrateToLatest(db) : await migrateDown(db, plan);
    const status = await getMigrationStatus(db);
    const current = status.filter((migration) => migration.executedAt !== undefined).at(-1)?.name ?? 'zero';
    logger.info(
      { database: target, direction: report.direction, applied: report.applied, current },
      report.applied.length === 0
        ? 'nothing to migrate'
        : `${report.direction === 'up' ? 'applied' : 'reverted'} ${report.applied.length} migration(s)`,
    );
    return 0;
  } catch (error) {
    logger.error({ database: target, err: error }, `migration failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.destroy();
  }
}

void main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    logger.fatal({ err: error }, 'db:migrate crashed');
    process.exitCode = 1;
  },
);
