import {
  eventSource,
  newEventId,
  operationalEventSchema,
  type OperationalEvent,
  type Vendor,
} from '@fieldsync/canonical-model';
import { ChangeLog, DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';

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
 * Session and connection events, announced through the change log in the caller's transaction, so the
 * state change and its event commit together; the outbox relay publishes them to FSM_EVENTS. The change
 * log validates every event against the canonical operational-event schema, which has no field that could
 * carry a password, code or cookie.
 */
@Injectable()
export class SessionEventsPublisher {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly changeLog: ChangeLog,
  ) {}

  async append<T extends ConnectionScopedType>(
    trx: Transaction<DB>,
    connection: EventConnection,
    type: T,
    data: Omit<DataOf<T>, 'connectionId'>,
  ): Promise<string> {
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
    const [id] = await this.changeLog.announce(trx, [event]);
    return id ?? event.id;
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
