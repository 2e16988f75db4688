import {
  newEventId,
  operationalEventSchema,
  WEBHOOKS_EVENT_SOURCE,
  type OperationalEvent,
} from '@fieldsync/canonical-model';
import { eventSubject } from '@fieldsync/messaging';
import type { DisableReason } from '../endpoints/endpoint.repository';

/**
 * Subject vendor token of the platform's own events: `fsm.events.<tenant>.fieldsync.endpoint.disabled`
 * and `fsm.events.<tenant>.fieldsync.message.attempt_exhausted` (a subject token cannot hold the dot of
 * `attempt.exhausted`; the CloudEvent `type` keeps it).
 */
export const PLATFORM_SUBJECT_VENDOR = 'fieldsync';

/** An operational event ready for the outbox: the CloudEvent and the subject it is published on. */
export interface OutboxEvent {
  id: string;
  tenantId: string;
  subject: string;
  payload: OperationalEvent;
}

function envelope(tenantId: string, endpointId: string, at: Date) {
  return {
    specversion: '1.0' as const,
    id: newEventId(at.getTime()),
    source: WEBHOOKS_EVENT_SOURCE,
    subject: endpointId,
    time: at.toISOString(),
    datacontenttype: 'application/json' as const,
    tenantid: tenantId,
  };
}

export function endpointDisabledEvent(p: {
  tenantId: string;
  endpointId: string;
  reason: DisableReason;
  failingSince: Date | null;
  lastStatusCode: number | null;
  at?: Date;
}): OutboxEvent {
  const at = p.at ?? new Date();
  const payload = operationalEventSchema.parse({
    ...envelope(p.tenantId, p.endpointId, at),
    type: 'endpoint.disabled',
    data: {
      endpointId: p.endpointId,
      reason: p.reason,
      failingSince: p.failingSince?.toISOString() ?? null,
      lastStatusCode: validStatus(p.lastStatusCode),
    },
  });
  return {
    id: payload.id,
    tenantId: p.tenantId,
    subject: eventSubject({
      tenantId: p.tenantId,
      vendor: PLATFORM_SUBJECT_VENDOR,
      entity: 'endpoint',
      action: 'disabled',
    }),
    payload,
  };
}

export function messageAttemptExhaustedEvent(p: {
  tenantId: string;
  endpointId: string;
  messageId: string;
  eventId: string;
  eventType: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date;
}): OutboxEvent {
  const payload = operationalEventSchema.parse({
    ...envelope(p.tenantId, p.endpointId, p.lastAttemptAt),
    type: 'message.attempt.exhausted',
    data: {
      endpointId: p.endpointId,
      messageId: p.messageId,
      eventId: p.eventId,
      eventType: p.eventType.slice(0, 200),
      attempts: p.attempts,
      lastStatusCode: validStatus(p.lastStatusCode),
      lastError: p.lastError === null ? null : p.lastError.slice(0, 1_000),
      lastAttemptAt: p.lastAttemptAt.toISOString(),
    },
  });
  return {
    id: payload.id,
    tenantId: p.tenantId,
    subject: eventSubject({
      tenantId: p.tenantId,
      vendor: PLATFORM_SUBJECT_VENDOR,
      entity: 'message',
      action: 'attempt_exhausted',
    }),
    payload,
  };
}

function validStatus(code: number | null): number | null {
  return code !== null && code >= 100 && code <= 599 ? code : null;
}
