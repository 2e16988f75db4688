import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ResolvedConsumer } from './jetstream-consumer.options';
import { withPrefix } from './subjects';

/**
 * Creates the durable pull consumer, or brings an existing one in line with its options (filter, ack
 * wait, deliveries, pending bound, backoff). A durable that differs and cannot be updated is logged and
 * used as it is.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  cfg: ResolvedConsumer,
  prefix: string,
  log: Logger,
): Promise<void> {
  const desired = desiredConsumerConfig(cfg, prefix);
  try {
    const info = await jsm.consumers.info(stream, cfg.durable);
    if (!drifted(info.config, desired)) return;
    try {
      const { durable_name: _d, ack_policy: _a, deliver_policy: _p, ...update } = desired;
      await jsm.consumers.update(stream, cfg.durable, update);
      log.info({ stream, durable: cfg.durable }, 'consumer config updated');
    } catch (err) {
      log.warn({ stream, durable: cfg.durable, err }, 'consumer config differs and cannot be updated');
    }
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === (JetStreamApiCodes.ConsumerNotFound as number)))
      throw err;
    await jsm.consumers.add(stream, desired);
  }
}

function desiredConsumerConfig(cfg: ResolvedConsumer, prefix: string): Partial<ConsumerConfig> {
  return {
    durable_name: cfg.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: cfg.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    filter_subject: withPrefix(cfg.filterSubject, prefix),
    ack_wait: nanos(cfg.ackWaitMs),
    // One delivery more than the handler gets: if the process dies during the last allowed attempt
    // (no ack, no nak), JetStream delivers once more and that delivery goes straight to the DLQ
    // instead of the message sitting in the stream forever.
    max_deliver: cfg.maxDeliver + 1,
    max_ack_pending: cfg.maxAckPending,
    ...(cfg.backoffMs ? { backoff: cfg.backoffMs.map((ms) => nanos(ms)) } : {}),
  };
}

function drifted(current: ConsumerConfig, desired: Partial<ConsumerConfig>): boolean {
  return (
    current.filter_subject !== desired.filter_subject ||
    current.ack_wait !== desired.ack_wait ||
    current.max_deliver !== desired.max_deliver ||
    current.max_ack_pending !== desired.max_ack_pending ||
    JSON.stringify(current.backoff ?? []) !== JSON.stringify(desired.backoff ?? [])
  );
}
