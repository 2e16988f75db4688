import { DATABASE, type DB, type JsonObject } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import type { OutboxEvent } from './operational-event.factory';

export interface UnpublishedEvent {
  id: string;
  tenantId: string;
  subject: string;
  payload: unknown;
}

/** webhook_operational_outbox: operational events written with the decision, published by the relay. */
@Injectable()
export class OperationalOutboxRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<DB>) {}

  async append(trx: Transaction<DB> | Kysely<DB>, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    await trx
      .insertInto('webhook_operational_outbox')
      .values(
        events.map((e) => ({
          id: e.id,
          tenant_id: e.tenantId,
          subject: e.subject,
          payload: JSON.stringify(e.payload as unknown as JsonObject),
        })),
      )
      .execute();
  }

  /** Locks up to `limit` unpublished events, oldest first, skipping those another relay holds. */
  async lockUnpublished(trx: Transaction<DB>, limit: number): Promise<UnpublishedEvent[]> {
    const rows = await trx
      .selectFrom('webhook_operational_outbox')
      .select(['id', 'tenant_id', 'subject', 'payload'])
      .where('published_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, subject: r.subject, payload: r.payload }));
  }

  async markPublished(trx: Transaction<DB>, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await trx
      .updateTable('webhook_operational_outbox')
      .set({ published_at: new Date() })
      .where('id', 'in', ids)
      .execute();
  }

  /** Deletes published events older than `before` (they live on in FSM_EVENTS and the ledger). */
  async deletePublishedBefore(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_operational_outbox')
      .where('published_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
