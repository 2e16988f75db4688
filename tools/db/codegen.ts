// `npm run db:codegen`: regenerates libs/persistence/src/generated/db.types.ts from the migrations.
// `npm run db:codegen:check`: fails (exit 1) when the committed file differs from a fresh render.
// Both create a throw-away database `fs_codegen_<random>` on the server named by DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), migrate it, introspect it and drop it.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import { DEFAULT_SERVER_URL, describeDatabaseUrl, readDatabaseUrl } from './db-env.schema';
import { DB_TYPES_PATH, firstDifference, renderDbTypes } from './db-types.codegen';

const logger = pino({ name: 'db-codegen' });

async function withAdminClient<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'fieldsync-db-codegen' });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function renderFromMigrations(serverUrl: string): Promise<string> {
  const name = `fs_codegen_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database "${name}"`));
  try {
    const db = createDatabase({ url: url.toString(), poolMax: 2, applicationName: 'fieldsync-db-codegen' });
    try {
      const report = await migrateToLatest(db);
      logger.info({ database: name, migrations: report.applied.length }, 'migrated temporary database');
    } finally {
      await db.destroy();
    }
    return await renderDbTypes(url.toString());
  } finally {
    await withAdminClient(serverUrl, (client) =>
      client.query(`drop database if exists "${name}" with (force)`),
    );
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
