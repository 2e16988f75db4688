import { baseEnv, databaseEnv, natsEnv, parseConfig, streamsEnv } from '@fieldsync/platform';
import { createDatabase, migrateToLatest } from '@fieldsync/persistence';
import {
  bootTestApp,
  createTestDatabase,
  deleteStreamsWithPrefix,
  getTestServices,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';
import { z } from 'zod';
import { InfrastructureModule, type InfrastructureConfig } from './infrastructure.module';

const schema = z.object({ ...baseEnv.shape, ...databaseEnv.shape, ...natsEnv.shape, ...streamsEnv.shape });

function configFor(databaseUrl: string, prefix: string): InfrastructureConfig {
  const parsed = parseConfig(schema, {
    DATABASE_URL: databaseUrl,
    NATS_URL: getTestServices().natsUrl,
    FIELDSYNC_STREAM_PREFIX: prefix,
    FIELDSYNC_STREAM_STORAGE: 'memory',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

describe('InfrastructureModule', () => {
  const prefix = uniqueStreamPrefix('infra');
  const databases: TestDatabase[] = [];

  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
    await deleteStreamsWithPrefix(prefix);
  });

  it('is ready when Postgres is migrated and the streams it provisioned exist', async () => {
    const database = await createTestDatabase('infra_ready');
    databases.push(database);
    const db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    await db.destroy();

    const app = await bootTestApp(
      InfrastructureModule.forRoot({ service: 'spec', config: configFor(database.url, prefix) }),
    );
    try {
      const ready = await app.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        checks: { postgres: { status: 'up' }, nats: { status: 'up' } },
      });
    } finally {
      await app.close();
    }
  });

  it('is not ready, naming Postgres and the pending migrations, on an unmigrated database', async () => {
    const database = await createTestDatabase('infra_unmigrated');
    databases.push(database);
    const app = await bootTestApp(
      InfrastructureModule.forRoot({ service: 'spec', config: configFor(database.url, prefix) }),
    );
    try {
      const ready = await app.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ checks: { postgres: { status: 'down' }, nats: { status: 'up' } } });
      expect(JSON.stringify(ready.body)).toMatch(/migration/i);
    } finally {
      await app.close();
    }
  });
});
