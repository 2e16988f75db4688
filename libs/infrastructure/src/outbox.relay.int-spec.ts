import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  connectNats,
  MessagingHeaders,
  parseStreamsConfig,
  StreamProvisioner,
  streamName,
} from '@fieldsync/messaging';
import { formatSequence, stringifyEventPayload } from '@fieldsync/canonical-model';
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
  startPrivateNats,
  type PrivateNats,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely, Transaction } from 'kysely';
import { Registry } from 'prom-client';
import { OutboxRelay } from './outbox.relay';

/* The outbox relay against real Postgres and a private nats-server it can stop and restart. */

/** An outbox row to append: what the change log writes (its wire text carries the allocated sequence). */
interface NewChangeEvent {
  readonly id: string;
  readonly subject: string;
  readonly type: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly payload: Record<string, unknown>;
}

/** Allocates the scope's next sequences and inserts the rows, as ChangeLog does (the relay's input). */
async function appendEvents(
  outbox: ChangeEventRepository,
  trx: Transaction<DB>,
  tenantId: string,
  connectionId: string | null,
  events: readonly NewChangeEvent[],
): Promise<void> {
  const first = await outbox.allocate(trx, tenantId, connectionId, events.length);
  await outbox.insert(
    trx,
    events.map((e, i) => ({
      ...e,
      tenantId,
      connectionId,
      sequence: (first + BigInt(i)).toString(),
      payload: stringifyEventPayload({ ...e.payload, sequence: formatSequence(first + BigInt(i)) }),
    })),
  );
}

let n = 0;
function event(connection: string): NewChangeEvent {
  n += 1;
  const id = `evt_01JTEST${String(n).padStart(19, '0')}`;
  return {
    id,
    subject: `fsm.events.ten_r.jobber.job.updated`,
    type: 'job.updated',
    entityType: 'job',
    entityId: `job_${connection}`,
    payload: { specversion: '1.0', id, type: 'job.updated', connectionid: connection, n },
  };
}

describe('OutboxRelay', () => {
  const prefix = 'relay';
  let nats: PrivateNats;
  let database: TestDatabase;
  let db: Kysely<DB>;
  let nc: NatsConnection;
  const outbox = (): ChangeEventRepository => new ChangeEventRepository(db);
  const relay = (): OutboxRelay =>
    new OutboxRelay(db, nc, { databaseUrl: database.url, prefix, batchSize: 7 }, new Registry(), outbox());

  beforeAll(async () => {
    nats = await startPrivateNats();
    database = await createTestDatabase('outbox_relay');
    db = createDatabase({ url: database.url, poolMax: 8 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: 'ten_r', name: 'R' });
    await db
      .insertInto('connections')
      .values(
        ['con_1', 'con_2'].map((id) => ({
          id,
          tenant_id: 'ten_r',
          vendor: 'jobber',
          portal_url: 'https://j.test',
          username: id,
        })),
      )
      .execute();
    nc = await connectNats({
      servers: nats.url,
      name: 'outbox-relay-spec',
      timeoutMs: 5_000,
      reconnectTimeWaitMs: 200,
    });
    await new StreamProvisioner(nc, parseStreamsConfig({ prefix })).provisionOrThrow();
  });

  afterAll(async () => {
    await nc?.close();
    await db?.destroy();
    await database?.drop();
    await nats?.stop();
  });

  const append = (connection: string, count: number) =>
    db.transaction().execute((trx) =>
      appendEvents(
        outbox(),
        trx,
        'ten_r',
        connection,
        Array.from({ length: count }, () => event(connection)),
      ),
    );

  const streamed = async (): Promise<{ id: string; connection: string; sequence: string }[]> => {
    const js = jetstream(nc);
    const info = await (await jetstreamManager(nc)).streams.info(streamName('events', prefix));
    const out: { id: string; connection: string; sequence: string }[] = [];
    if (info.state.messages === 0) return out;
    const consumer = await js.consumers.get(streamName('events', prefix));
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2_000 });
    for await (const m of batch) {
      const body = m.json<{ id: string; connectionid: string; sequence: string }>();
      out.push({ id: body.id, connection: body.connectionid, sequence: body.sequence });
      if (out.length === info.state.messages) break;
    }
    return out;
  };

  it('publishes every event once, in per-connection sequence order, and marks it published, with two relays racing', async () => {
    await append('con_1', 20);
    await append('con_2', 15);
    await append('con_1', 10);
    const a = relay();
    const b = relay();
    for (let i = 0; i < 20; i += 1) await Promise.all([a.relayOnce(), b.relayOnce()]);
    const events = await streamed();
    expect(events).toHaveLength(45);
    expect(new Set(events.map((e) => e.id)).size).toBe(45);
    for (const connection of ['con_1', 'con_2']) {
      const sequences = events.filter((e) => e.connection === connection).map((e) => Number(e.sequence));
      expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
      expect(sequences[0]).toBe(1);
    }
    const left = await db
      .selectFrom('change_events')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
  });

  it('running: one relay leads and keeps batches in flight while events are appended; each event once, in per-connection order, all marked; the standby takes over when the leader stops', async () => {
    const seen = new Set((await streamed()).map((e) => e.id));
    const a = relay();
    const b = relay();
    await a.onApplicationBootstrap();
    await b.onApplicationBootstrap();
    let leader: OutboxRelay | undefined;
    let standby: OutboxRelay | undefined;
    try {
      // 23 events a round in three transactions, in batches of 7 with up to 4 in flight.
      for (let round = 0; round < 8; round += 1) {
        await Promise.all([append('con_1', 9), append('con_2', 5), append('con_1', 9)]);
      }
      await expectEventually(async () => expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1), {
        timeoutMs: 10_000,
      });
      [leader, standby] = a.isLeader ? [a, b] : [b, a];
      await leader.onApplicationShutdown();
      for (let round = 0; round < 4; round += 1) {
        await Promise.all([append('con_2', 9), append('con_1', 5)]);
      }
      await expectEventually(async () => expect(standby?.isLeader).toBe(true), { timeoutMs: 10_000 });
      await expectEventually(
        async () =>
          expect(
            await db.selectFrom('change_events').select('id').where('published_at', 'is', null).execute(),
          ).toEqual([]),
        { timeoutMs: 20_000 },
      );
    } finally {
      await a.onApplicationShutdown();
      await b.onApplicationShutdown();
    }
    const events = (await streamed()).filter((e) => !seen.has(e.id));
    expect(events).toHaveLength(8 * 23 + 4 * 14);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const connection of ['con_1', 'con_2']) {
      const sequences = events.filter((e) => e.connection === connection).map((e) => Number(e.sequence));
      expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
    }
  });

  it('a JetStream outage delays events and drops none; a republished batch is deduplicated', async () => {
    const before = (await streamed()).length;
    await nats.stop();
    await append('con_2', 5);
    await expect(relay().relayOnce()).rejects.toThrow();
    const pending = await db
      .selectFrom('change_events')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(pending).toHaveLength(5);
    await nats.start();
    await expectEventually(async () => expect(await relay().relayOnce()).toBe(5), { timeoutMs: 20_000 });
    const after = await streamed();
    expect(after.length - before).toBe(5);
    expect(new Set(after.map((e) => e.id)).size).toBe(after.length);
  });

  it('publishes the stored wire text byte for byte: money keeps its decimals in data.object and data.previous', async () => {
    const id = 'evt_01JTESTMONEY00000000000001';
    await db.transaction().execute((trx) =>
      appendEvents(outbox(), trx, 'ten_r', 'con_1', [
        {
          id,
          subject: 'fsm.events.ten_r.jobber.invoice.paid',
          type: 'invoice.paid',
          entityType: 'invoice',
          entityId: 'inv_x',
          payload: {
            specversion: '1.0',
            id,
            type: 'invoice.paid',
            connectionid: 'con_1',
            data: {
              object: { id: 'inv_x', currency: 'USD', total: 1403, balance: 0, status: 'paid' },
              previous: { balance: 1403.5, status: 'sent' },
              changedFields: ['balance', 'status'],
            },
          },
        },
      ]),
    );
    await relay().relayOnce();
    const stored = await db
      .selectFrom('change_events')
      .select('payload')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const message = await (
      await jetstreamManager(nc)
    ).streams.getMessage(streamName('events', prefix), {
      last_by_subj: `${prefix}.fsm.events.ten_r.jobber.invoice.paid`,
    });
    const text = new TextDecoder().decode(message?.data);
    expect(text).toBe(stored.payload);
    expect(text).toContain('"object":{"id":"inv_x","currency":"USD","total":1403.00,"balance":0.00');
    expect(text).toContain('"previous":{"balance":1403.50,"status":"sent"}');
  });

  it('relays tenant-scoped events (no connection) in their own sequence order, with the tenant header only', async () => {
    const ids = ['evt_01JTESTTENANT0000000000001', 'evt_01JTESTTENANT0000000000002'];
    await db.transaction().execute((trx) =>
      appendEvents(
        outbox(),
        trx,
        'ten_r',
        null,
        ids.map((id) => ({
          id,
          subject: 'fsm.events.ten_r.fieldsync.endpoint.disabled',
          type: 'endpoint.disabled',
          entityType: 'endpoint',
          entityId: 'ep_1',
          payload: { specversion: '1.0', id, type: 'endpoint.disabled', tenantid: 'ten_r' },
        })),
      ),
    );
    await relay().relayOnce();
    const jsm = await jetstreamManager(nc);
    const got: { id: string; sequence: string; connection: string | undefined }[] = [];
    const info = await jsm.streams.info(streamName('events', prefix));
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const m = await jsm.streams.getMessage(streamName('events', prefix), { seq });
      if (!m || m.subject !== `${prefix}.fsm.events.ten_r.fieldsync.endpoint.disabled`) continue;
      const body = m.json<{ id: string; sequence: string }>();
      got.push({
        id: body.id,
        sequence: body.sequence,
        connection: m.header.get(MessagingHeaders.ConnectionId) || undefined,
      });
    }
    expect(got).toEqual([
      { id: ids[0], sequence: '0000000000000001', connection: undefined },
      { id: ids[1], sequence: '0000000000000002', connection: undefined },
    ]);
  });
});
