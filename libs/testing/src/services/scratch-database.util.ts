import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates `<prefix>_<random>` on the server of `serverUrl` (a URL whose user may create databases);
 * drop() removes it even if connections are still open. Used by the test harness, the bench and
 * db:codegen, which all need a throw-away database.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix))
    throw new Error(`database prefix "${prefix}" must be [a-z][a-z0-9_]*`);
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: async () => {
      // Sessions still closing (a pool whose end() resolved before its sockets closed) get a moment to
      // go: forcing them out mid-close makes their client emit an 'error' nobody listens to any more.
      await waitForSessionsToClose(serverUrl, name, 3_000);
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
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
