import { formatSequence, stringifyEventPayload } from '@fieldsync/canonical-model';
import { Inject, Injectable } from '@nestjs/common';
import { Kysely, Selectable, Transaction } from 'kysely';
import type { ChangeEvents, DB, JsonObject } from '../generated/db.types';
import { DATABASE } from '../persistence.constants';
import { PersistenceError, PersistenceErrorCode } from '../persistence.error';

export type ChangeEventRow = Selectable<ChangeEvents>;

export interface NewChangeEvent {
  /** `evt_` + ULID, minted by the caller; also the JetStream `Nats-Msg-Id`. */
  readonly id: string;
  /** The NATS subject the relay will publish to. */
  readonly subject: string;
  readonly type: string;
  readonly entityType: string;
  readonly entityId: string;
  /**
   * The CloudEvent. Its `sequence` attribute is set here to the allocated sequence, in the canonical
   * model's zero-padded form (CloudEvents compares sequences as strings), and it is stored as the text
   * stringifyEventPayload writes (money to its currency's decimals), which is what gets published.
   */
  readonly payload: JsonObject;
}

export interface AppendedChangeEvent {
  readonly id: string;
  /** Per-connection sequence, as a decimal string (int8; see database.factory.ts). */
  readonly sequence: string;
}

/**
 * The outbox. Every method runs in the caller's transaction: events are appended in the same
 * transaction as the canonical write and cursor advance, and the relay selects, publishes and marks
 * within one transaction so its row locks hold while it publishes.
 */
@Injectable()
export class ChangeEventRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  /**
   * Allocates the next `events.length` sequences of the connection and inserts the events in order.
   * Gap-free: the counter row stays locked until the caller's transaction ends, so concurrent writers
   * of one connection queue behind each other and a rollback hands the numbers back.
   */
  async appendEvents(
    trx: Transaction<DB>,
    tenantId: string,
    connectionId: string,
    events: readonly NewChangeEvent[],
  ): Promise<AppendedChangeEvent[]> {
    if (events.length === 0) return [];
    const count = events.length;
    const counter = await trx
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
        `Connection ${connectionId} does not belong to tenant ${tenantId}`,
      );
    }
    const first = BigInt(counter.last_sequence) - BigInt(count) + 1n;
    const rows = events.map((event, index) => {
      const sequence = (first + BigInt(index)).toString();
      return {
        id: event.id,
        tenant_id: tenantId,
        connection_id: connectionId,
        sequence,
        subject: event.subject,
        type: event.type,
        entity_type: event.entityType,
        entity_id: event.entityId,
        // The exact wire text, money written to its currency's decimals; the relay publishes it as is.
        payload: stringifyEventPayload({ ...event.payload, sequence: formatSequence(BigInt(sequence)) }),
      };
    });
    await trx.insertInto('change_events').values(rows).execute();
    return rows.map(({ id, sequence }) => ({ id, sequence }));
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

  /** Stamps `published_at` on the given events that are not yet marked; returns how many it marked. */
  async markPublished(trx: Transaction<DB>, ids: readonly string[]): Promise<number> {
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
