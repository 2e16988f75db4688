import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Every message on a JetStream stream, JSON-decoded, in stream order (an ordered consumer from the first
 * message), up to the stream's message count at the time of reading.
 */
export async function readStreamJson<T>(nc: NatsConnection, stream: string): Promise<T[]> {
  const jsm = await jetstreamManager(nc);
  const count = (await jsm.streams.info(stream)).state.messages;
  if (count === 0) return [];
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: T[] = [];
  while (out.length < count) {
    const before = out.length;
    for await (const m of await consumer.fetch({ max_messages: count - out.length, expires: 5_000 })) {
      out.push(m.json<T>());
      if (out.length === count) break;
    }
    if (out.length === before) throw new Error(`read ${out.length} of ${count} messages on ${stream}`);
  }
  return out;
}
