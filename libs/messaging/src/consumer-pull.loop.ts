import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { startAckHeartbeat } from './ack-heartbeat.util';
import type { InFlightTracker } from './in-flight.tracker';
import type { ResolvedConsumer } from './jetstream-consumer.options';
import { Semaphore } from './semaphore.util';

export interface ConsumerPullLoopOptions {
  cfg: ResolvedConsumer;
  messages: ConsumerMessages;
  /** `working()` every ackWait × this while a message waits or runs. */
  heartbeatFraction: number;
  inFlight: InFlightTracker;
  /** True once shutdown began: pulled messages are handed back instead of started. */
  isClosing: () => boolean;
  dispatch: (cfg: ResolvedConsumer, msg: JsMsg, heartbeat: NodeJS.Timeout) => Promise<void>;
  log: Logger;
  /** The pull failed while not closing (the consumer stopped). */
  onStopped: (err: unknown) => void;
}

/**
 * One durable consumer's pull loop: each message gets its ack heartbeat on receipt, waits for one of
 * the consumer's `concurrency` slots, then runs (tracked, so shutdown can wait for it). Once shutdown
 * began, a pulled message is handed back with a delay instead of started. Resolves when the messages
 * iterator ends.
 */
export async function runConsumerPullLoop(opts: ConsumerPullLoopOptions): Promise<void> {
  const { cfg, messages, inFlight, log } = opts;
  const semaphore = new Semaphore(cfg.concurrency);
  try {
    for await (const msg of messages) {
      // Heartbeats start on receipt: a message waiting for a free slot must not time out either.
      const heartbeat = startAckHeartbeat(msg, cfg.ackWaitMs, opts.heartbeatFraction);
      await semaphore.acquire();
      if (opts.isClosing()) {
        clearInterval(heartbeat);
        // Pulled but never started. An immediate nak would be redelivered into our still-open
        // pull request (and lost until ack wait, burning a delivery): delay it past its expiry.
        semaphore.release();
        msg.nak(cfg.pullExpiresMs);
        continue;
      }
      void inFlight.track(
        opts
          .dispatch(cfg, msg, heartbeat)
          .catch((err: unknown) => log.error({ err, durable: cfg.durable }, 'message handling failed'))
          .finally(() => semaphore.release()),
      );
    }
  } catch (err) {
    if (!opts.isClosing()) {
      log.error({ err, durable: cfg.durable }, 'consumer stopped');
      opts.onStopped(err);
    }
  }
}
