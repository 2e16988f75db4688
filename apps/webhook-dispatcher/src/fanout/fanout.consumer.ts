import { eventsFilter, type JetStreamConsumerOptions } from '@fieldsync/messaging';

/** Durable name of the fan-out consumer on FSM_EVENTS. */
export const FANOUT_DURABLE = 'webhook-dispatcher-fanout';

/**
 * The fan-out consumer: every event on FSM_EVENTS, `concurrency` handlers at once. Retriable failures
 * (Postgres unavailable) back off up to a minute and are retried for hours before the DLQ takes them;
 * an event that is not a fieldsync CloudEvent goes to the DLQ at once.
 */
export function fanoutConsumer(concurrency: number): JetStreamConsumerOptions {
  return {
    stream: 'events',
    durable: FANOUT_DURABLE,
    filterSubject: eventsFilter(),
    concurrency,
    maxAckPending: Math.max(1_000, 4 * concurrency),
    ackWaitMs: 30_000,
    maxDeliver: 1_000,
    retryBaseDelayMs: 500,
    retryMaxDelayMs: 60_000,
    deliverPolicy: 'all',
  };
}
