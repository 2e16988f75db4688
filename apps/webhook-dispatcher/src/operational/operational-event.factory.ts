import {
  newEventId,
  operationalEventSchema,
  WEBHOOKS_EVENT_SOURCE,
  type OperationalEvent,
} from '@fieldsync/canonical-model';
import type { DisableReason } from '../endpoints/endpoint.repository';

/*
 * The webhook dispatcher's own events, for the change log (ChangeLog.announce), which numbers them per
 * tenant and publishes them on `fsm.events.<tenant>.fieldsync.endpoint.disabled` and
 * `fsm.events.<tenant>.fieldsync.message.attempt_exhausted` (a subject token cannot hold the dot of
 * `attempt.exhausted`; the CloudEvent `type` keeps it).
 */

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
}): OperationalEvent {
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
  return payload;
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
}): OperationalEvent {
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
  return payload;
}

function validStatus(code: number | null): number | null {
  return code !== null && code >= 100 && code <= 599 ? code : null;
}
