import type { ChangeEvent } from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import type { JsonObject, NewChangeEvent } from '@fieldsync/persistence';

/** A change event as the outbox row that carries it (subject `fsm.events.<tenant>.<vendor>.<entity>.<action>`). */
export function toOutboxEntry(tenantId: string, event: ChangeEvent): NewChangeEvent {
  const dot = event.type.indexOf('.');
  const entity = event.type.slice(0, dot);
  const action = event.type.slice(dot + 1);
  return {
    id: event.id,
    subject: eventSubject({ tenantId, vendor: event.vendor, entity, action }),
    type: event.type,
    entityType: entity,
    entityId: event.subject,
    payload: event as unknown as JsonObject,
  };
}
