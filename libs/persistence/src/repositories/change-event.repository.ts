import { Inject, Injectable } from '@nestjs/common';
import { Kysely, Selectable, sql, Transaction } from 'kysely';
import { valuesStatement } from '../sql/values-statement';
import type { ChangeEvents, DB } from '../generated/db.types';
import { DATABASE, OUTBOX_CHANNEL } from '../persistence.constants';
import { PersistenceError, PersistenceErrorCode } from '../persistence.error';

export type ChangeEventRow = Selectable<ChangeEvents>;

/** One `change_events` row as the change log writes it. */
export interface ChangeEventInsert {
  /** `evt_` + ULID; also the JetStream `Nats-Msg-Id`. */
  readonly id: string;
  readonly tenantId: string;
  /** Null for a tenant-scoped event (the webhook dispatcher's). */
  readonly connectionId: string | null;
  /** The sequence allocated to it (`allocate`), as a decimal string. */
  readonly sequence: string;
  /** The NATS subject the relay publishes to. */
  readonly subject: string;
  readonly type: string;
  readonly entityType: string;
  readonly entityId: string;
  /** The event's exact wire text (what the relay publishes unchanged). */
  readonly payload: string;
}

/**
 * `change_events` (the outbox and the event log) and its sequence counters. Queries only: the change
 * log (ChangeLog) decides what to append. Every method that writes runs in the caller's transaction.
 */
@Injectable()
export class ChangeEventRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  /**
   * Takes the next `count` sequence numbers of a connection (or, for `connectionId` null, of the
   * tenant's tenant-scoped events) and returns the first. Gap-free: the counter row stays locked until
   * the caller's transaction ends, so writers of one scope queue behind each other and a rollback hands
   * the numbers back. Rows must be inserted while the lock is held (it orders `position` within a scope).
   */
  async allocate(
    trx: Transaction<DB>,
    tenantId: string,
    connectionId: string | null,
    count: number,
  ): Promise<bigint> {
    const counter =
      connectionId === null
        ? await trx
            .insertInto('tenant_event_sequences')
            .values({ tenant_id: tenantId, last_sequence: count })
            .onConflict((oc) =>
              oc.column('tenant_id').doUpdateSet((eb) => ({
                last_sequence: eb('tenant_event_sequences.last_sequence', '+', count),
                updated_at: new Date(),
              })),
            )
            .returning('last_sequence')
            .executeTakeFirst()
        : await trx
            .insertInto('connection_sequences')
            .values({ connection_id: connectionId, tenant_id: tenantId, last_sequence: count })
            .onConflict((oc) =>
              oc
                .column('connection_id')
                .doUpdateSet((eb) => ({
                  last_sequence: eb('connection_sequences.last_sequence', '+', count),
                  updated_at: new Date(),
                }))
                .where('connection_sequences.tenant_id', '=', tenantId),
            )
            .returning('last_sequence')
            .executeTakeFirst();
    if (counter === undefined) {
      throw new PersistenceError(
        PersistenceErrorCode.TenantMismatch,
        `Connection ${String(connectionId)} does not belong to tenant ${tenantId}`,
      );
    }
    return BigInt(counter.last_sequence) - BigInt(count) + 1n;
  }

  /** Inserts events in order (their sequences allocated in this transaction). */
  async insert(trx: Transaction<DB>, events: readonly ChangeEventInsert[]): Promise<void> {
    if (events.length === 0) return;
    await trx.executeQuery(
      valuesStatement(
        'change_events',
        [
          'id',
          'tenant_id',
          'connection_id',
          'sequence',
          'subject',
          'type',
          'entity_type',
          'entity_id',
          'payload',
        ],
        events.map((e) => [
          e.id,
          e.tenantId,
          e.connectionId,
          e.sequence,
          e.subject,
          e.type,
          e.entityType,
          e.entityId,
          e.payload,
        ]),
        { sequence: 'bigint' },
      ),
    );
  }

  /** Wakes the relay when the caller's transaction commits (NOTIFY is delivered at commit). */
  async notify(trx: Transaction<DB>, scope: string): Promise<void> {
    await sql`select pg_notify(${OUTBOX_CHANNEL}, ${scope})`.execute(trx);
  }

  /**
   * Locks up to `limit` unpublished events in insertion order (`position`, which within a connection is
   * sequence order), skipping rows another relay holds. Call it in a transaction and mark the published
   * ones before committing.
   */
  async listUnpublished(trx: Transaction<DB>, limit: number): Promise<ChangeEventRow[]> {
    return trx
      .selectFrom('change_events')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('position')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  /**
   * Up to `limit` unpublished events in insertion order (`position`), less `except` (those a running
   * relay has in flight), without locking: for the relay that holds the relay lock. An event whose
   * transaction commits late with a lower position is still found (it is unpublished, not in flight).
   */
  async listUnpublishedExcept(
    db: Kysely<DB>,
    limit: number,
    except: readonly string[],
  ): Promise<ChangeEventRow[]> {
    let query = db.selectFrom('change_events').selectAll().where('published_at', 'is', null);
    if (except.length > 0) query = query.where(sql<boolean>`not (id = any(${[...except]}::text[]))`);
    return query.orderBy('position').limit(limit).execute();
  }

  /** Stamps `published_at` on the given events that are not yet marked; returns how many it marked. */
  async markPublished(trx: Kysely<DB>, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await trx
      .updateTable('change_events')
      .set({ published_at: new Date() })
      .where('id', 'in', ids)
      .where('published_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** The connection's events after `afterSequence`, in sequence order (replay, audits). */
  async listByConnection(
    tenantId: string,
    connectionId: string,
    afterSequence: string,
    limit: number,
  ): Promise<ChangeEventRow[]> {
    return this.db
      .selectFrom('change_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .where('sequence', '>', afterSequence)
      .orderBy('sequence')
      .limit(limit)
      .execute();
  }
}
