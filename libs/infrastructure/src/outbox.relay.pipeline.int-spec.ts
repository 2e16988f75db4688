import type { NatsConnection } from '@nats-io/transport-node';
import { formatSequence, stringifyEventPayload } from '@fieldsync/canonical-model';
import { connectNats, parseStreamsConfig, StreamProvisioner, streamName } from '@fieldsync/messaging';
import {
  ChangeEventRepository,
  createDatabase,
  migrateToLatest,
  TenantRepository,
  type DB,
} from '@fieldsync/persistence';
import {
  createTestDatabase,
  expectEventually,
  readStreamJson,
  startPrivateNats,
  type PrivateNats,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { OutboxRelay } from './outbox.relay';

/*
 * The running relay's pipeline when a publish fails: batches behind the failed one must not reach the
 * stream before it is retried (a connection's later events would overtake its earlier one). The failure is
 * real: an event whose subject no stream captures is answered "no responders" until its row is mended.
 */
describe('OutboxRelay pipeline', () => {
  const prefix = 'relaypipe';
  let nats: PrivateNats;
  let database: TestDatabase;
  let db: Kysely<DB>;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startPrivateNats();
    database = await createTestDatabase('outbox_relay_pipeline');
    db = createDatabase({ url: database.url, poolMax: 8 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: 'ten_p', name: 'P' });
    await db
      .insertInto('connections')
      .values({
        id: 'con_p',
        tenant_id: 'ten_p',
        vendor: 'jobber',
        portal_url: 'https://j.test',
        username: 'con_p',
      })
      .execute();
    nc = await connectNats({ servers: nats.url, name: 'outbox-relay-pipeline-spec', timeoutMs: 5_000 });
    await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provisionOrThrow();
  });

  afterAll(async () => {
    await nc?.close();
    await db?.destroy();
    await database?.drop();
    await nats?.stop();
  });

  it('after a failed publish, no later batch of the connection reaches the stream before the failed event; all arrive once, in sequence order', async () => {
    const outbox = new ChangeEventRepository(db);
    const count = 40;
    // Sequence 5 ends the first batch of 5; its subject is outside every stream until mended.
    await db.transaction().execute(async (trx) => {
      const first = await outbox.allocate(trx, 'ten_p', 'con_p', count);
      await outbox.insert(
        trx,
        Array.from({ length: count }, (_, i) => {
          const sequence = first + BigInt(i);
          const id = `evt_01JPIPE${String(sequence).padStart(19, '0')}`;
          return {
            id,
            tenantId: 'ten_p',
            connectionId: 'con_p',
            sequence: sequence.toString(),
            subject:
              sequence === 5n ? 'fsm.nowhere.ten_p.job.updated' : 'fsm.events.ten_p.jobber.job.updated',
            type: 'job.updated',
            entityType: 'job',
            entityId: 'job_p',
            payload: stringifyEventPayload({
              specversion: '1.0',
              id,
              type: 'job.updated',
              connectionid: 'con_p',
              sequence: formatSequence(sequence),
            }),
          };
        }),
      );
    });
    const registry = new Registry();
    const relay = new OutboxRelay(
      db,
      nc,
      { databaseUrl: database.url, prefix, batchSize: 5, window: 4, pollIntervalMs: 100 },
      registry,
      outbox,
    );
    const failures = async (): Promise<number> =>
      (await registry.getSingleMetric('fsm_outbox_events_total')?.get())?.values.find(
        (v) => v.labels.outcome === 'failed',
      )?.value ?? 0;
    await relay.onApplicationBootstrap();
    try {
      await expectEventually(async () => expect(await failures()).toBeGreaterThanOrEqual(1), {
        timeoutMs: 10_000,
      });
      // While the failed event waits, nothing after it is on the stream.
      const meanwhile = await readStreamJson<{ sequence: string }>(nc, streamName('events', prefix));
      expect(meanwhile.map((e) => Number(e.sequence))).toEqual([1, 2, 3, 4]);
      await db
        .updateTable('change_events')
        .set({ subject: 'fsm.events.ten_p.jobber.job.updated' })
        .where('sequence', '=', '5')
        .where('connection_id', '=', 'con_p')
        .execute();
      await expectEventually(
        async () =>
          expect(
            await db.selectFrom('change_events').select('id').where('published_at', 'is', null).execute(),
          ).toEqual([]),
        { timeoutMs: 20_000 },
      );
    } finally {
      await relay.onApplicationShutdown();
    }
    const events = await readStreamJson<{ id: string; sequence: string }>(nc, streamName('events', prefix));
    expect(events.map((e) => Number(e.sequence))).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.id)).size).toBe(count);
  });
});
