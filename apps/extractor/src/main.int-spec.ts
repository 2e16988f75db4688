import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  freePort,
  getTestServices,
  killSpawnedServices,
  spawnService,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';

/* The extractor process as an operator runs it: a bad variable named at boot, then a healthy boot, readiness, metrics and SIGTERM. */

jest.setTimeout(60_000);

afterAll(() => killSpawnedServices());

describe('extractor process', () => {
  const services = getTestServices();
  let database: TestDatabase;
  const prefix = uniqueStreamPrefix('extrboot');

  beforeAll(async () => {
    database = await createTestDatabase('extractor_boot');
    const db = createDatabase({ url: database.url });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
  });

  afterAll(async () => {
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('exits 1 naming a malformed stream interval override', async () => {
    const { exited } = spawnService('extractor', {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      EXTRACTOR_STREAM_INTERVALS: 'jobs=soon',
    });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('EXTRACTOR_STREAM_INTERVALS');
  });

  it('boots with the sync engine wired, reports ready, serves its metrics and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const extractor = spawnService('extractor', {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await extractor.waitReady(port, 40_000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('# HELP fsm_extractor_records_total');
    expect(metrics).toContain('# HELP fsm_outbox_events_total');
    const exit = await extractor.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  });
});
