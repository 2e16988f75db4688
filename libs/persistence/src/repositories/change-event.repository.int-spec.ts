import { newEventId, type OperationalEvent } from '@fieldsync/canonical-model';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { Kysely, type Transaction } from 'kysely';
import { ChangeLog } from '../change-log/change-log';
import { createDatabase } from '../database.factory';
import type { DB } from '../generated/db.types';
import { migrateToLatest } from '../migration.runner';
import { PersistenceErrorCode } from '../persistence.error';
import { ChangeEventRepository } from './change-event.repository';
import { TenantRepository } from './tenant.repository';

/**
 * A connection's operational event (the change log fills in tenant and connection per call);
 * `entityId` only labels it in the test (a connection event's subject is its connection).
 */
interface TestEvent {
  readonly id: string;
  readonly entityId: string;
}

function event(entityId = 'job_1'): TestEvent {
  return { id: newEventId(), entityId };
}

function operational(tenantId: string, connectionId: string, e: TestEvent): OperationalEvent {
  return {
    specversion: '1.0',
    id: e.id,
    source: `fieldsync/jobber/${connectionId}`,
    type: 'session.refreshed',
    subject: connectionId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    tenantid: tenantId,
    connectionid: connectionId,
    vendor: 'jobber',
    data: { connectionId, expiresAt: null },
  };
}

describe('ChangeEventRepository and the change log that numbers events', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let events: ChangeEventRepository;
  let changeLog: ChangeLog;

  /** Appends through the change log's one door; returns each event's id and allocated sequence. */
  async function appendEvents(
    trx: Transaction<DB>,
    tenantId: string,
    connectionId: string,
    list: readonly TestEvent[],
  ): Promise<{ id: string; sequence: string }[]> {
    const ids = await changeLog.announce(
      trx,
      list.map((e) => operational(tenantId, connectionId, e)),
    );
    const rows = await trx
      .selectFrom('change_events')
      .select(['id', 'sequence'])
      .where('id', 'in', ids)
      .orderBy('sequence')
      .execute();
    return rows.map((r) => ({ id: r.id, sequence: String(r.sequence) }));
  }

  beforeAll(async () => {
    database = await createTestDatabase('persistence_change_events');
    db = createDatabase({ url: database.url, poolMax: 12 });
    await migrateToLatest(db);
    const tenants = new TenantRepository(db);
    await tenants.create({ id: 'ten_a', name: 'A' });
    await tenants.create({ id: 'ten_b', name: 'B' });
    const connection = { vendor: 'jobber', portal_url: 'https://jobber.test', username: 'ops' };
    await db
      .insertInto('connections')
      .values([
        { id: 'con_a1', tenant_id: 'ten_a', ...connection },
        { id: 'con_a2', tenant_id: 'ten_a', ...connection, username: 'ops2' },
        { id: 'con_b1', tenant_id: 'ten_b', ...connection },
        { id: 'con_b2', tenant_id: 'ten_b', ...connection, username: 'ops-b2' },
      ])
      .execute();
    events = new ChangeEventRepository(db);
    changeLog = new ChangeLog(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('numbers events 1..n per connection, in order, and writes the sequence into the CloudEvent', async () => {
    const appended = await db
      .transaction()
      .execute((trx) => appendEvents(trx, 'ten_a', 'con_a2', [event(), event()]));
    expect(appended.map((e) => e.sequence)).toEqual(['1', '2']);
    const more = await db.transaction().execute((trx) => appendEvents(trx, 'ten_a', 'con_a2', [event()]));
    expect(more.map((e) => e.sequence)).toEqual(['3']);
    const rows = await events.listByConnection('ten_a', 'con_a2', '0', 10);
    expect(
      rows.map((row) => [row.sequence, (JSON.parse(row.payload) as { sequence: string }).sequence]),
    ).toEqual([
      ['1', '0000000000000001'],
      ['2', '0000000000000002'],
      ['3', '0000000000000003'],
    ]);
    expect(await events.listByConnection('ten_b', 'con_a2', '0', 10)).toEqual([]);
  });

  it('stays gap-free and unique under concurrent transactions, some of which roll back', async () => {
    const writers = Array.from({ length: 10 }, (_, i) =>
      db
        .transaction()
        .execute(async (trx) => {
          const appended = await appendEvents(trx, 'ten_a', 'con_a1', [event(), event(), event()]);
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (i % 4 === 0) throw new Error('rolled back on purpose');
          return appended;
        })
        .catch(() => []),
    );
    const blocks = (await Promise.all(writers)).filter((block) => block.length > 0);
    expect(blocks).toHaveLength(7);
    for (const block of blocks) {
      const sequences = block.map((e) => Number(e.sequence));
      const start = sequences[0] ?? 0;
      expect(sequences).toEqual([start, start + 1, start + 2]); // each transaction got a contiguous block
    }
    const committed = blocks.flat();
    const rows = await events.listByConnection('ten_a', 'con_a1', '0', 100);
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(committed.map((e) => e.id)));
  });

  it("hands out a connection's events in sequence order even when the later sequence began its transaction first", async () => {
    // A begins (its created_at is now), B begins, appends and commits, then A appends: A gets the
    // higher sequence but the earlier transaction time. The relay must still see B first.
    let releaseA: () => void = () => undefined;
    const aMayAppend = new Promise<void>((resolve) => (releaseA = resolve));
    let aStarted: () => void = () => undefined;
    const aHasBegun = new Promise<void>((resolve) => (aStarted = resolve));
    const eventA = event('job_order_a');
    const eventB = event('job_order_b');
    const a = db.transaction().execute(async (trx) => {
      await trx.selectNoFrom((eb) => eb.val(1).as('one')).execute(); // the transaction has begun
      aStarted();
      await aMayAppend;
      return appendEvents(trx, 'ten_b', 'con_b2', [eventA]);
    });
    await aHasBegun;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = await db.transaction().execute((trx) => appendEvents(trx, 'ten_b', 'con_b2', [eventB]));
    releaseA();
    const appendedA = await a;
    expect(Number(appendedA[0]?.sequence)).toBe(Number(b[0]?.sequence) + 1);
    const order = await db
      .transaction()
      .execute(async (trx) =>
        (await events.listUnpublished(trx, 10_000))
          .filter((row) => row.connection_id === 'con_b2')
          .map((row) => [row.id, row.sequence]),
      );
    expect(order).toEqual([
      [eventB.id, b[0]?.sequence],
      [eventA.id, appendedA[0]?.sequence],
    ]);
  });

  it("refuses to number another tenant's connection", async () => {
    await expect(
      db.transaction().execute((trx) => appendEvents(trx, 'ten_b', 'con_a1', [event()])),
    ).rejects.toMatchObject({ code: PersistenceErrorCode.TenantMismatch });
    // first event of a connection: the foreign key (tenant_id, connection_id) refuses it
    await expect(
      db.transaction().execute((trx) => appendEvents(trx, 'ten_a', 'con_b1', [event()])),
    ).rejects.toThrow(/foreign key/);
  });

  it('hands unpublished events to one relay at a time (SKIP LOCKED) and marks them once', async () => {
    const unpublished = await db
      .selectFrom('change_events')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(unpublished.length).toBeGreaterThan(4);

    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstBatch: string[] = [];
    let locked: () => void = () => undefined;
    const firstLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = db.transaction().execute(async (trx) => {
      firstBatch = (await events.listUnpublished(trx, 3)).map((row) => row.id);
      locked();
      await firstHolds;
      return events.markPublished(trx, firstBatch);
    });
    await firstLocked;
    const secondBatch = await db.transaction().execute(async (trx) => {
      const rows = await events.listUnpublished(trx, 1000);
      await events.markPublished(
        trx,
        rows.map((row) => row.id),
      );
      return rows.map((row) => row.id);
    });
    releaseFirst();
    await expect(first).resolves.toBe(3);

    expect(firstBatch).toHaveLength(3);
    expect(secondBatch.filter((id) => firstBatch.includes(id))).toEqual([]);
    expect([...firstBatch, ...secondBatch].sort()).toEqual(unpublished.map((row) => row.id).sort());
    await expect(db.transaction().execute((trx) => events.listUnpublished(trx, 10))).resolves.toEqual([]);
    await expect(db.transaction().execute((trx) => events.markPublished(trx, firstBatch))).resolves.toBe(0);
  });
});

describe('ChangeLog', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let changeLog: ChangeLog;

  beforeAll(async () => {
    database = await createTestDatabase('persistence_change_log');
    db = createDatabase({ url: database.url, poolMax: 4 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: 'ten_c', name: 'C' });
    await new TenantRepository(db).create({ id: 'ten_d', name: 'D' });
    await db
      .insertInto('connections')
      .values({
        id: 'con_c1',
        tenant_id: 'ten_c',
        vendor: 'jobber',
        portal_url: 'https://j.test',
        username: 'u',
      })
      .execute();
    changeLog = new ChangeLog(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const endpointDisabled = (tenantId: string, endpointId: string): OperationalEvent => ({
    specversion: '1.0',
    id: newEventId(),
    source: 'fieldsync/webhooks',
    type: 'endpoint.disabled',
    subject: endpointId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    tenantid: tenantId,
    data: { endpointId, reason: 'manual', failingSince: null, lastStatusCode: null },
  });

  it("numbers a tenant's tenant-scoped events on their own, apart from its connections' events", async () => {
    const exhausted: OperationalEvent = {
      specversion: '1.0',
      id: newEventId(),
      source: 'fieldsync/webhooks',
      type: 'message.attempt.exhausted',
      subject: 'ep_1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      tenantid: 'ten_c',
      data: {
        endpointId: 'ep_1',
        messageId: 'msg_1',
        eventId: newEventId(),
        eventType: 'job.updated',
        attempts: 8,
        lastStatusCode: 500,
        lastError: null,
        lastAttemptAt: new Date().toISOString(),
      },
    };
    await db
      .transaction()
      .execute((trx) =>
        changeLog.announce(trx, [
          endpointDisabled('ten_c', 'ep_1'),
          exhausted,
          endpointDisabled('ten_d', 'ep_9'),
        ]),
      );
    await db.transaction().execute((trx) => changeLog.announce(trx, [endpointDisabled('ten_c', 'ep_2')]));
    const rows = await db
      .selectFrom('change_events')
      .select(['tenant_id', 'connection_id', 'sequence', 'subject', 'entity_type', 'entity_id', 'payload'])
      .orderBy('position')
      .execute();
    expect(
      rows.map((r) => [
        r.tenant_id,
        r.connection_id,
        String(r.sequence),
        r.subject,
        r.entity_type,
        r.entity_id,
      ]),
    ).toEqual([
      ['ten_c', null, '1', 'fsm.events.ten_c.fieldsync.endpoint.disabled', 'endpoint', 'ep_1'],
      ['ten_c', null, '2', 'fsm.events.ten_c.fieldsync.message.attempt_exhausted', 'message', 'ep_1'],
      ['ten_d', null, '1', 'fsm.events.ten_d.fieldsync.endpoint.disabled', 'endpoint', 'ep_9'],
      ['ten_c', null, '3', 'fsm.events.ten_c.fieldsync.endpoint.disabled', 'endpoint', 'ep_2'],
    ]);
    expect(rows.map((r) => (JSON.parse(r.payload) as { sequence: string }).sequence)).toEqual([
      '0000000000000001',
      '0000000000000002',
      '0000000000000001',
      '0000000000000003',
    ]);
  });

  it('refuses an operational event that does not fit its schema, naming the field, and appends nothing', async () => {
    const bad = { ...endpointDisabled('ten_c', 'ep_3'), data: { endpointId: 'ep_3', reason: 'bored' } };
    const before = await db
      .selectFrom('change_events')
      .select(db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute((trx) => changeLog.announce(trx, [bad as unknown as OperationalEvent])),
    ).rejects.toThrow(/reason/);
    const after = await db
      .selectFrom('change_events')
      .select(db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('TenantRepository', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('persistence_tenants');
    db = createDatabase({ url: database.url, poolMax: 2 });
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('creates, finds and suspends a tenant', async () => {
    const tenants = new TenantRepository(db);
    const created = await tenants.create({ id: 'ten_x', name: 'X' });
    expect(created).toMatchObject({ id: 'ten_x', name: 'X', status: 'active' });
    await expect(tenants.updateStatus('ten_x', 'suspended')).resolves.toBe(true);
    await expect(tenants.findById('ten_x')).resolves.toMatchObject({ status: 'suspended' });
    await expect(tenants.updateStatus('ten_missing', 'suspended')).resolves.toBe(false);
    await expect(tenants.findById('ten_missing')).resolves.toBeUndefined();
  });

  it('cannot be deleted while it still owns connections', async () => {
    await db
      .insertInto('connections')
      .values({
        id: 'con_x',
        tenant_id: 'ten_x',
        vendor: 'tom',
        portal_url: 'https://tom.test',
        username: 'u',
      })
      .execute();
    await expect(db.deleteFrom('tenants').where('id', '=', 'ten_x').execute()).rejects.toThrow(/foreign key/);
  });
});
