import type { AttemptRow, MessageRow } from './message.repository';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** A message as the API shows it (the payload only on GET /messages/:id). */
export function messageView(row: MessageRow) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    failureReason: row.failure_reason,
    attempts: row.attempt_count,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
  };
}

export function attemptView(row: AttemptRow) {
  return {
    id: row.id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    attemptNumber: row.attempt_number,
    url: row.url,
    outcome: row.outcome,
    statusCode: row.status_code,
    durationMs: row.duration_ms,
    responseExcerpt: row.response_excerpt,
    error: row.error,
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: row.created_at.toISOString(),
  };
}
