import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

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

/**
 * Every event on the stream, in stream order (an ordered consumer from the first message), and the
 * stream's message count at the time of reading.
 */
export async function readEventLog(nc: NatsConnection, stream: string): Promise<LoggedEvent[]> {
  const jsm = await jetstreamManager(nc);
  const count = (await jsm.streams.info(stream)).state.messages;
  if (count === 0) return [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: LoggedEvent[] = [];
  while (out.length < count) {
    const before = out.length;
    for await (const m of await consumer.fetch({ max_messages: count - out.length, expires: 5_000 })) {
      out.push(m.json());
      if (out.length === count) break;
    }
    if (out.length === before) throw new Error(`read ${out.length} of ${count} events on ${stream}`);
  }
  return out;
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
