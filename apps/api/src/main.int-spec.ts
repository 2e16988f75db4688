import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import {
  blackholeServer,
  createTestDatabase,
  deleteStreamsWithPrefix,
  freePort,
  getTestServices,
  killSpawnedServices,
  msFromStartingToExit,
  spawnService,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';

/*
 * The api process as an operator runs it (`nx serve api`): bad config, unreachable dependencies,
 * then a healthy boot, readiness, metrics and a graceful SIGTERM.
 */

jest.setTimeout(60_000);

const BOOT_TIMEOUT_MS = 4_000;
/** Logging the reason and exiting, on top of the boot bound (measured from the process's `starting` line). */
const EXIT_SLACK_MS = 1_500;
/** Loading the code (swc-node compiling the app and its libraries) before the boot bound starts. */
const START_OVERHEAD_MS = 20_000;

const startApi = (env: Record<string, string>) =>
  spawnService('api', { FIELDSYNC_BOOT_TIMEOUT_MS: String(BOOT_TIMEOUT_MS), ...env });

afterAll(() => killSpawnedServices());

describe('api process', () => {
  const services = getTestServices();

  it('exits 1 naming every missing and malformed variable, without echoing values', async () => {
    const { exited } = startApi({ NATS_URL: 'http://nats.example:4222', PORT: 'three-thousand' });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('DATABASE_URL: missing');
    expect(exit.stderr).toContain('NATS_URL: malformed');
    expect(exit.stderr).toContain('PORT: malformed');
    expect(exit.stderr).not.toContain('nats.example');
    expect(exit.stderr).not.toContain('three-thousand');
  });

  it('exits non-zero within the boot bound, naming Postgres, when Postgres refuses connections', async () => {
    const closedPort = await freePort();
    const { exited } = startApi({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/fieldsync`,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: uniqueStreamPrefix('apipg'),
      FIELDSYNC_STREAM_STORAGE: 'memory',
    });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(msFromStartingToExit(exit)).toBeLessThan(BOOT_TIMEOUT_MS + EXIT_SLACK_MS);
    expect(exit.stdout).toMatch(
      /"msg":"cannot start: dependency unavailable: postgres \(Postgres is not reachable/,
    );
  });

  it('exits non-zero within the boot bound when Postgres accepts but never answers', async () => {
    const hole = await blackholeServer();
    try {
      const { exited } = startApi({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${hole.port}/fieldsync`,
        NATS_URL: services.natsUrl,
        FIELDSYNC_STREAM_PREFIX: uniqueStreamPrefix('apipgh'),
        FIELDSYNC_STREAM_STORAGE: 'memory',
      });
      const exit = await exited;
      expect(exit.code).toBe(1);
      expect(msFromStartingToExit(exit)).toBeLessThan(BOOT_TIMEOUT_MS + EXIT_SLACK_MS);
      expect(exit.stdout).toMatch(/cannot start: dependency unavailable: postgres/);
    } finally {
      await hole.close();
    }
  });

  it('exits non-zero within the boot bound, naming NATS, when NATS refuses connections', async () => {
    const closedPort = await freePort();
    const { exited } = startApi({
      DATABASE_URL: services.databaseUrl,
      NATS_URL: `nats://127.0.0.1:${closedPort}`,
    });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(msFromStartingToExit(exit)).toBeLessThan(BOOT_TIMEOUT_MS + EXIT_SLACK_MS);
    expect(exit.stdout).toMatch(/"dependency":"nats"/);
    expect(exit.stdout).toMatch(/cannot start: nats is unreachable: cannot connect to NATS/);
  });

  it('exits non-zero within the boot bound when NATS accepts but never answers', async () => {
    const hole = await blackholeServer();
    try {
      const { exited } = startApi({
        DATABASE_URL: services.databaseUrl,
        NATS_URL: `nats://127.0.0.1:${hole.port}`,
      });
      const exit = await exited;
      expect(exit.code).toBe(1);
      expect(msFromStartingToExit(exit)).toBeLessThan(BOOT_TIMEOUT_MS + EXIT_SLACK_MS);
      expect(exit.stdout).toMatch(
        /cannot start: (nats is unreachable|boot did not complete within 4000ms while connecting to nats)/,
      );
    } finally {
      await hole.close();
    }
  });

  describe('with Postgres and NATS up', () => {
    let database: TestDatabase;
    const prefix = uniqueStreamPrefix('apiboot');

    beforeAll(async () => {
      database = await createTestDatabase('api_boot');
      const db = createDatabase({ url: database.url });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
    });

    afterAll(async () => {
      await database.drop();
      await deleteStreamsWithPrefix(prefix);
    });

    it('reports ready, serves metrics, and exits 0 promptly on SIGTERM', async () => {
      const port = await freePort();
      const api = startApi({
        DATABASE_URL: database.url,
        NATS_URL: services.natsUrl,
        FIELDSYNC_STREAM_PREFIX: prefix,
        FIELDSYNC_STREAM_STORAGE: 'memory',
        PORT: String(port),
        HOST: '127.0.0.1',
      });
      const base = `http://127.0.0.1:${port}`;

      const ready = await api.waitReady(port, BOOT_TIMEOUT_MS + START_OVERHEAD_MS);
      expect(ready).toEqual({
        status: 'ok',
        checks: {
          postgres: { status: 'up', latencyMs: expect.any(Number) as number },
          nats: { status: 'up', latencyMs: expect.any(Number) as number },
        },
      });

      const live = await fetch(`${base}/health/live`);
      expect(live.status).toBe(200);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^process_resident_memory_bytes\{service="api"\} \d+/m);

      const signalled = Date.now();
      const exit = await api.stop('SIGTERM');
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(exit.stdout).toContain('"msg":"stopped"');
    });
  });
});
