import {
  eventSource,
  newEventId,
  operationalEventSchema,
  type OperationalEvent,
  type Vendor,
} from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import { ChangeEventRepository, DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import { OUTBOX_CHANNEL } from '@fieldsync/infrastructure';

type ConnectionScopedType =
  | 'session.established'
  | 'session.refreshed'
  | 'session.expired'
  | 'connection.auth_failed'
  | 'connection.mfa_required';
type DataOf<T extends ConnectionScopedType> = Extract<OperationalEvent, { type: T }>['data'];

export interface EventConnection {
  id: string;
  tenant_id: string;
  vendor: string;
}

/**
 * Session and connection events, appended to the outbox (change_events) in the caller's transaction,
 * so the state change and its event commit together; the outbox relay publishes them to FSM_EVENTS.
 * Every event is validated against the canonical operational-event schema, which has no field that
 * could carry a password, code or cookie.
 */
@Injectable()
export class SessionEventsPublisher {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly outbox: ChangeEventRepository,
  ) {}

  async append<T extends ConnectionScopedType>(
    trx: Transaction<DB>,
    connection: EventConnection,
    type: T,
    data: Omit<DataOf<T>, 'connectionId'>,
  ): Promise<string> {
    const [entity, action] = type.split('.') as [string, string];
    const event = operationalEventSchema.parse({
      specversion: '1.0',
      id: newEventId(),
      source: eventSource(connection.vendor, connection.id),
      type,
      subject: connection.id,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      tenantid: connection.tenant_id,
      connectionid: connection.id,
      vendor: connection.vendor as Vendor,
      data: { connectionId: connection.id, ...data },
    });
    await this.outbox.appendEvents(trx, connection.tenant_id, connection.id, [
      {
        id: event.id,
        subject: eventSubject({ tenantId: connection.tenant_id, vendor: connection.vendor, entity, action }),
        type,
        entityType: entity,
        entityId: connection.id,
        payload: event,
      },
    ]);
    await sql`select pg_notify(${OUTBOX_CHANNEL}, ${connection.id})`.execute(trx);
    return event.id;
  }

  /** The same in a transaction of its own (events that must go out before a long login ends). */
  async appendNow<T extends ConnectionScopedType>(
    connection: EventConnection,
    type: T,
    data: Omit<DataOf<T>, 'connectionId'>,
  ): Promise<string> {
    return this.db.transaction().execute((trx) => this.append(trx, connection, type, data));
  }
}
