import type { NatsConnection } from '@nats-io/transport-node';
import { readStreamJson } from '@fieldsync/testing';

/** A CloudEvent as it sits on FSM_EVENTS (the fields the fault specs compare). */
export interface LoggedEvent {
  id: string;
  type: string;
  subject: string;
  connectionid?: string;
  sequence?: string;
  data?: {
    object?: Record<string, unknown>;
    previous?: Record<string, unknown> | null;
    changedFields?: string[];
  };
}

/** Every event on the stream, in stream order. */
export async function readEventLog(nc: NatsConnection, stream: string): Promise<LoggedEvent[]> {
  return readStreamJson<LoggedEvent>(nc, stream);
}

/**
 * Replaces every connection-dependent value of a canonical document or event payload: the connection id
 * by `<connection>`, a canonical id by `<entity:externalId>` when `ids` knows it (else `<unresolved:prefix>`),
 * keys sorted, so two connections to the same vendor account compare equal when they hold the same records.
 */
export function normaliseForConnection(
  value: unknown,
  connectionId: string,
  ids: ReadonlyMap<string, string>,
): unknown {
  if (typeof value === 'string') {
    if (value === connectionId) return '<connection>';
    const known = ids.get(value);
    if (known !== undefined) return `<${known}>`;
    const canonical = /^([a-z]+)_[0-9a-hjkmnp-tv-z]{26}$/.exec(value);
    return canonical ? `<unresolved:${canonical[1]}>` : value;
  }
  if (Array.isArray(value)) return value.map((item) => normaliseForConnection(item, connectionId, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => [key, normaliseForConnection(item, connectionId, ids)]),
    );
  }
  return value;
}

/** Sorted JSON lines of a multiset, so jest shows the extra and missing entries side by side. */
export function asSortedLines(items: readonly unknown[]): string[] {
  return items.map((item) => JSON.stringify(item)).sort();
}
