import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_DATABASE_URL_ENV, TEST_NATS_URL_ENV } from './test-services.constants';

export interface TestServices {
  /** A server-level URL (database `postgres`) on which suites may create and drop databases. */
  databaseUrl: string;
  natsUrl: string;
}

/** The services the globalSetup found or started; only available in the `int` jest project. */
export function getTestServices(): TestServices {
  const databaseUrl = process.env[TEST_DATABASE_URL_ENV];
  const natsUrl = process.env[TEST_NATS_URL_ENV];
  if (!databaseUrl || !natsUrl) {
    throw new Error(
      `${TEST_DATABASE_URL_ENV}/${TEST_NATS_URL_ENV} are not set: integration specs (*.int-spec.ts) must run in the ` +
        'jest "int" project, whose globalSetup provides Postgres and NATS (npm test, or jest --selectProjects int).',
    );
  }
  return { databaseUrl, natsUrl };
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a fresh, empty database; drop() removes it even if connections are still open. */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const { databaseUrl } = getTestServices();
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 20);
  const name = `fs_test_${safeLabel}_${randomBytes(5).toString('hex')}`;
  await adminQuery(databaseUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(databaseUrl, name),
    drop: async () => {
      // Sessions still closing (a pool whose end() resolved before its sockets closed) get a moment to
      // go: forcing them out mid-close makes their client emit an 'error' nobody listens to any more.
      await waitForSessionsToClose(databaseUrl, name, 3_000);
      await adminQuery(databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function waitForSessionsToClose(serverUrl: string, database: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [database],
      );
      if ((rows[0]?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A token unique to this call, usable as a stream-name and subject prefix (`[a-z0-9_]`). */
export function uniqueStreamPrefix(label = 't'): string {
  const safeLabel =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12) || 't';
  return `${safeLabel}_${randomBytes(5).toString('hex')}`;
}
