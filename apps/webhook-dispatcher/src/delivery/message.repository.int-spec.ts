import { createDatabase, migrateToLatest, TenantRepository, type DB } from '@fieldsync/persistence';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { newEndpointId, newMessageId } from '../webhook-ids.util';
import { MessageRepository, type ClaimedMessage, type NewMessage } from './message.repository';

/* The delivery ledger against real Postgres: claims, leases, per-entity order, idempotent fan-out. */

const LEASE_MS = 60_000;

describe('MessageRepository (delivery ledger)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let messages: MessageRepository;
  let endpoints: EndpointRepository;
  const tenantId = 'ten_ledger';

  async function endpoint(ordered = false): Promise<string> {
    const id = newEndpointId();
    await endpoints.create({
      id,
      tenantId,
      url: 'https://example.com/hook',
      description: null,
      eventTypes: null,
      vendors: null,
      connectionIds: null,
      rateLimitPerSecond: null,
      ordered,
      secret: { keyId: 'k1', ciphertext: Buffer.from('sealed') },
      disabled: false,
    });
    return id;
  }

  let eventCounter = 0;
  function message(endpointId: string, overrides: Partial<NewMessage> = {}): NewMessage {
    eventCounter += 1;
    return {
      id: newMessageId(),
      tenantId,
      endpointId,
      eventId: `evt_${eventCounter}`,
      eventType: 'job.updated',
      body: JSON.stringify({ id: `evt_${eventCounter}`, subject: 'job_1' }),
      orderingKey: null,
      orderingSeq: String(eventCounter),
      retainedUntil: new Date(Date.now() + 86_400_000),
      ...overrides,
    };
  }

  const record = async (rows: NewMessage[]) =>
    (await db.transaction().execute((trx) => messages.insertFanout(trx, rows))).size;
  const succeed = (owner: string, claimed: readonly ClaimedMessage[]) =>
    db.transaction().execute((trx) =>
      messages.applyOutcomes(
        trx,
        owner,
        claimed.map((m) => ({
          id: m.id,
          status: 'succeeded' as const,
          nextAttemptAt: null,
          attemptedAt: new Date(),
          statusCode: 200,
          error: null,
          failureReason: null,
        })),
      ),
    );

  beforeAll(async () => {
    database = await createTestDatabase('wh_ledger');
    db = createDatabase({ url: database.url, poolMax: 6 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: tenantId, name: 'Ledger' });
    messages = new MessageRepository(db);
    endpoints = new EndpointRepository(db);
  });

  beforeEach(async () => {
    await db.deleteFrom('webhook_messages').execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('records each (event, endpoint) pair once, however often fan-out sees the event', async () => {
    const ep = await endpoint();
    const first = message(ep);
    expect(await record([first])).toBe(1);
    expect(await record([{ ...first, id: newMessageId() }])).toBe(0);
    const rows = await db.selectFrom('webhook_messages').select('id').where('endpoint_id', '=', ep).execute();
    expect(rows.map((r) => r.id)).toEqual([first.id]);
  });

  it('hands each due message to exactly one of several concurrent claimers, under a lease', async () => {
    const ep = await endpoint();
    await record(Array.from({ length: 60 }, () => message(ep)));
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => messages.claim(20, [], `replica-${owner}`, LEASE_MS)),
    );
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(claims.flat().every((m) => m.leaseUntil.getTime() > Date.now() + LEASE_MS - 5_000)).toBe(true);
    await expect(messages.claim(100, [], 'replica-e', LEASE_MS)).resolves.toEqual([]);
  });

  it('makes a message due again when its lease runs out (the replica holding it died)', async () => {
    const ep = await endpoint();
    await record([message(ep)]);
    const [claimed] = await messages.claim(10, [], 'replica-dead', 300);
    expect(claimed).toBeDefined();
    await expect(messages.claim(10, [], 'replica-live', LEASE_MS)).resolves.toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const again = await messages.claim(10, [], 'replica-live', LEASE_MS);
    expect(again.map((m) => m.id)).toEqual([claimed?.id]);
    // the dead replica's late write no longer lands: the message is not its own any more
    expect(await succeed('replica-dead', again)).toEqual(new Set());
    expect(await succeed('replica-live', again)).toEqual(new Set([claimed?.id]));
  });

  it('leaves out the endpoints it is told are saturated', async () => {
    const busy = await endpoint();
    const idle = await endpoint();
    await record([message(busy), message(busy), message(idle)]);
    const claimed = await messages.claim(10, [busy], 'replica-a', LEASE_MS);
    expect(claimed.map((m) => m.endpointId)).toEqual([idle]);
  });

  it('keeps one message per entity in flight on an ordered endpoint, in sequence order, without blocking other entities', async () => {
    const ep = await endpoint(true);
    const [a1, a2, a3] = [1, 2, 3].map((seq) =>
      message(ep, { orderingKey: 'job_a', orderingSeq: String(seq) }),
    );
    const [b1, b2] = [1, 2].map((seq) => message(ep, { orderingKey: 'job_b', orderingSeq: String(seq) }));
    if (!a1 || !a2 || !a3 || !b1 || !b2) throw new Error('messages not built');
    // recorded out of order on purpose: the claim follows the sequence, not insertion order
    await record([a3, b2, a1, a2, b1]);
    const first = await messages.claim(10, [], 'replica-a', LEASE_MS);
    expect(first.map((m) => m.id).sort()).toEqual([a1.id, b1.id].sort());
    await expect(messages.claim(10, [], 'replica-b', LEASE_MS)).resolves.toEqual([]);

    // job_a's first message fails and is scheduled for a retry: job_a stays blocked, job_b moves on
    await db.transaction().execute((trx) =>
      messages.applyOutcomes(trx, 'replica-a', [
        {
          id: a1.id,
          status: 'pending',
          nextAttemptAt: new Date(Date.now() + 60_000),
          attemptedAt: new Date(),
          statusCode: 500,
          error: null,
          failureReason: null,
        },
      ]),
    );
    await succeed(
      'replica-a',
      first.filter((m) => m.id === b1.id),
    );
    const second = await messages.claim(10, [], 'replica-b', LEASE_MS);
    expect(second.map((m) => m.id)).toEqual([b2.id]);

    await db
      .updateTable('webhook_messages')
      .set({ next_attempt_at: new Date() })
      .where('id', '=', a1.id)
      .execute();
    const retry = await messages.claim(10, [], 'replica-b', LEASE_MS);
    expect(retry.map((m) => m.id)).toEqual([a1.id]);
    await succeed('replica-b', retry);
    expect((await messages.claim(10, [], 'replica-b', LEASE_MS)).map((m) => m.id)).toEqual([a2.id]);
  });

  it('recovers only failed messages created inside the window, with a fresh schedule', async () => {
    const ep = await endpoint();
    const [old, recent, fine] = [message(ep), message(ep), message(ep)];
    await record([old, recent, fine]);
    await db
      .updateTable('webhook_messages')
      .set({ status: 'failed', failure_reason: 'exhausted', next_attempt_at: null, scheduled_attempts: 8 })
      .where('id', 'in', [old.id, recent.id])
      .execute();
    await db
      .updateTable('webhook_messages')
      .set({ status: 'succeeded', next_attempt_at: null })
      .where('id', '=', fine.id)
      .execute();
    await db
      .updateTable('webhook_messages')
      .set({ created_at: new Date(Date.now() - 3 * 86_400_000) })
      .where('id', '=', old.id)
      .execute();
    const recovered = await messages.recover(tenantId, ep, new Date(Date.now() - 86_400_000), new Date());
    expect(recovered).toBe(1);
    const rows = await db
      .selectFrom('webhook_messages')
      .select(['id', 'status', 'scheduled_attempts', 'failure_reason'])
      .where('endpoint_id', '=', ep)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: old.id, status: 'failed', scheduled_attempts: 8, failure_reason: 'exhausted' },
      { id: recent.id, status: 'pending', scheduled_attempts: 0, failure_reason: null },
      { id: fine.id, status: 'succeeded', scheduled_attempts: 0, failure_reason: null },
    ]);
    await expect(messages.recover('ten_other', ep, new Date(0), new Date())).resolves.toBe(0);
  });

  it('deletes finished messages past their retention, with their attempts, and never a pending one', async () => {
    const ep = await endpoint();
    const past = new Date(Date.now() - 1_000);
    const [done, failed, pending, fresh] = [
      message(ep, { retainedUntil: past }),
      message(ep, { retainedUntil: past }),
      message(ep, { retainedUntil: past }),
      message(ep),
    ];
    await record([done, failed, pending, fresh]);
    await db
      .updateTable('webhook_messages')
      .set({ status: 'succeeded', next_attempt_at: null })
      .where('id', 'in', [done.id, fresh.id])
      .execute();
    await db
      .updateTable('webhook_messages')
      .set({ status: 'failed', next_attempt_at: null })
      .where('id', '=', failed.id)
      .execute();
    await db.transaction().execute((trx) =>
      messages.insertAttempts(trx, [
        {
          id: 'atmpt_retention',
          tenantId,
          messageId: done.id,
          endpointId: ep,
          attemptNumber: 1,
          url: 'https://example.com/hook',
          outcome: 'succeeded',
          statusCode: 200,
          durationMs: 3,
          responseExcerpt: null,
          error: null,
          nextAttemptAt: null,
          at: new Date(),
        },
      ]),
    );
    expect(await messages.deleteExpired(100)).toBe(2);
    const left = await db.selectFrom('webhook_messages').select('id').where('endpoint_id', '=', ep).execute();
    expect(left.map((r) => r.id).sort()).toEqual([pending.id, fresh.id].sort());
    const attempts = await db
      .selectFrom('webhook_attempts')
      .select('id')
      .where('message_id', '=', done.id)
      .execute();
    expect(attempts).toEqual([]);
  });
});
