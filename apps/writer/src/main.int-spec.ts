import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, StreamKinds, streamName } from '@fieldsync/messaging';
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

/* The writer process with its JetStream transport connected: boots, is ready, stops cleanly. */

jest.setTimeout(60_000);

describe('writer process', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('writerboot');
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('writer_boot');
    const db = createDatabase({ url: database.url });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
  });

  afterAll(async () => {
    await killSpawnedServices();
    await database.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('provisions its streams, reports ready with the consumer transport running, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const writer = spawnService('writer', {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_BOOT_TIMEOUT_MS: '8000',
      PORT: String(port),
      HOST: '127.0.0.1',
    });

    await writer.waitReady(port);
    expect(writer.output()).toContain('"msg":"Nest microservice successfully started"');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('nodejs_eventloop_lag_seconds{service="writer"}');

    const nc = await connectNats({ servers: services.natsUrl, name: 'writer-boot-spec', timeoutMs: 5_000 });
    try {
      const jsm = await jetstreamManager(nc);
      const names = (await jsm.streams.names().next()).filter((n) => n.startsWith(prefix));
      expect(names.sort()).toEqual(StreamKinds.map((k) => streamName(k, prefix)).sort());
    } finally {
      await nc.close();
    }

    const signalled = Date.now();
    const exit = await writer.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
  });
});
