import type { StreamKind } from './messaging.constants';
import { assertToken, isValidPattern } from './subjects';

/** One durable pull consumer (NATS 2.9: one filter subject per consumer). */
export interface JetStreamConsumerOptions {
  stream: StreamKind;
  /** Durable name, one token (`writer-commands`). */
  durable: string;
  /** Logical filter subject (`fsm.commands.>`), must lie inside the stream. */
  filterSubject: string;
  /** Default 30 s. */
  ackWaitMs?: number;
  /** Default 5. On the last delivery a retriable failure goes to the DLQ too. */
  maxDeliver?: number;
  /** Server-side redelivery delays after ack *timeouts* (not naks); length < maxDeliver. */
  backoffMs?: number[];
  /** Default 1000. */
  maxAckPending?: number;
  /** Handlers running at once in this process (default 1); the pull batch is sized to it. */
  concurrency?: number;
  /** nak delay on retriable failures without their own delay: base * 2^(deliveries-1), capped. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Confirm acks with the server (`ackAck`) before counting a message done (default true). */
  confirmAck?: boolean;
  /** Where a new durable starts (default all). */
  deliverPolicy?: 'all' | 'new';
  /** Pull request expiry (default 30 s; min 1 s); lower values notice a lost server sooner. */
  pullExpiresMs?: number;
  /**
   * Hand the handler the message bytes instead of parsed JSON (default false): for consumers that must
   * answer a malformed message themselves (the writer publishes a `rejected` result for it).
   */
  rawPayload?: boolean;
}

/** A consumer's options with every default filled in. */
export type ResolvedConsumer = Required<Omit<JetStreamConsumerOptions, 'backoffMs'>> & {
  backoffMs?: number[];
};

/** Fills in the defaults and refuses options JetStream would refuse (or silently misapply). */
export function resolveConsumer(c: JetStreamConsumerOptions): ResolvedConsumer {
  assertToken(c.durable, 'durable');
  if (!isValidPattern(c.filterSubject))
    throw new Error(`invalid filterSubject ${JSON.stringify(c.filterSubject)}`);
  const resolved: ResolvedConsumer = {
    stream: c.stream,
    durable: c.durable,
    filterSubject: c.filterSubject,
    ackWaitMs: c.ackWaitMs ?? 30_000,
    maxDeliver: c.maxDeliver ?? 5,
    maxAckPending: c.maxAckPending ?? 1000,
    concurrency: c.concurrency ?? 1,
    retryBaseDelayMs: c.retryBaseDelayMs ?? 1_000,
    retryMaxDelayMs: c.retryMaxDelayMs ?? 60_000,
    confirmAck: c.confirmAck ?? true,
    deliverPolicy: c.deliverPolicy ?? 'all',
    pullExpiresMs: Math.max(1_000, c.pullExpiresMs ?? 30_000),
    rawPayload: c.rawPayload ?? false,
    ...(c.backoffMs === undefined ? {} : { backoffMs: c.backoffMs }),
  };
  if (resolved.maxDeliver < 1) throw new Error(`consumer ${c.durable}: maxDeliver must be >= 1`);
  if (resolved.backoffMs && resolved.backoffMs.length >= resolved.maxDeliver) {
    throw new Error(`consumer ${c.durable}: backoffMs must have fewer entries than maxDeliver`);
  }
  return resolved;
}
