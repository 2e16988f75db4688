// `npm run db:codegen`: regenerates libs/persistence/src/generated/db.types.ts from the migrations.
// `npm run db:codegen:check`: fails (exit 1) when the committed file differs from a fresh render.
// Both create a throw-away database `fs_codegen_<random>` on the server named by DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), migrate it, introspect it and drop it.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import { createScratchDatabase } from '@fieldsync/testing';
import { DEFAULT_SERVER_URL, describeDatabaseUrl, readDatabaseUrl } from './db-env.schema';
import { DB_TYPES_PATH, firstDifference, renderDbTypes } from './db-types.codegen';

const logger = pino({ name: 'db-codegen' });

async function renderFromMigrations(serverUrl: string): Promise<string> {
  const scratch = await createScratchDatabase(serverUrl, 'fs_codegen');
  try {
    const db = createDatabase({ url: scratch.url, poolMax: 2, applicationName: 'fieldsync-db-codegen' });
    try {
      const report = await migrateToLatest(db);
      logger.info(
        { database: scratch.name, migrations: report.applied.length },
        'migrated temporary database',
      );
    } finally {
      await db.destroy();
    }
    return await renderDbTypes(scratch.url);
  } finally {
    await scratch.drop();
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { check: { type: 'boolean', default: false } },
  });
  const env = readDatabaseUrl(process.env, DEFAULT_SERVER_URL);
  if (!env.ok) {
    logger.error({ variable: 'DATABASE_URL' }, `invalid configuration: ${env.message}`);
    return 1;
  }
  if (env.defaulted)
    logger.info(`DATABASE_URL is not set; using the server at ${describeDatabaseUrl(env.url)}`);
  const target = relative(process.cwd(), DB_TYPES_PATH);
  const fresh = await renderFromMigrations(env.url);
  const elapsedMs = () => Math.round(performance.now() - started);
  if (!values.check) {
    await writeFile(DB_TYPES_PATH, fresh);
    logger.info({ file: target, ms: elapsedMs() }, 'generated the DB type');
    return 0;
  }
  const committed = await readFile(DB_TYPES_PATH, 'utf8').catch(() => '');
  const line = firstDifference(fresh, committed);
  if (line === undefined) {
    logger.info({ file: target, ms: elapsedMs() }, 'the DB type is up to date');
    return 0;
  }
  const freshCopy = join(tmpdir(), `db.types.${process.pid}.ts`);
  await writeFile(freshCopy, fresh);
  logger.error(
    { file: target, firstDifferentLine: line, fresh: freshCopy },
    `${target} is stale (differs from the migrations at line ${line}); run \`npm run db:codegen\` and commit the result`,
  );
  return 1;
}

void main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    logger.fatal({ err: error }, `db:codegen failed: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
