import type { JsMsg } from '@nats-io/jetstream';
import type { MessageHandler } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { classifyHandlerError, type ClassifiedFailure } from './classify-handler-error.util';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import type { ResolvedConsumer } from './jetstream-consumer.options';
import { JetStreamContext } from './jetstream.context';
import { MessagingHeaders } from './messaging.constants';
import { RetriableError } from './messaging.error';
import type { HandlerOutcome, MessagingMetrics } from './messaging.metrics';
import { retryDelayMs } from './retry-delay.util';
import { withoutPrefix } from './subjects';

export interface JetStreamMessageDispatcherOptions {
  service: string;
  prefix: string;
  /** The transport's logger; each message gets a child carrying its subject, ids and deliveries. */
  logger: Logger;
  metrics: MessagingMetrics | undefined;
  /** The `@EventPattern` handler for a logical subject. */
  findHandler: (subject: string) => MessageHandler | undefined;
  deadLetters: DeadLetterPublisher;
}

/**
 * One pulled message through its `@EventPattern` handler to its outcome:
 * - the handler resolves → ack (confirmed with the server unless `confirmAck: false`);
 * - a retriable failure before the last allowed delivery → nak with the error's delay, or exponential
 *   backoff by delivery count;
 * - a terminal failure, a retriable one on the last allowed delivery, or a delivery past it (the last
 *   attempt was never acknowledged) → the dead-letter queue.
 */
export class JetStreamMessageDispatcher {
  constructor(private readonly opts: JetStreamMessageDispatcherOptions) {}

  /** Handles `msg` and counts its outcome; stops the message's ack heartbeat once the handler is done. */
  async dispatch(cfg: ResolvedConsumer, msg: JsMsg, heartbeat: NodeJS.Timeout): Promise<void> {
    const started = process.hrtime.bigint();
    const subject = this.logicalSubject(msg);
    const logger = this.messageLogger(cfg, msg, subject);
    const ctx = new JetStreamContext([msg, subject, cfg.durable, logger]);
    let outcome: HandlerOutcome;
    try {
      outcome = await this.run(cfg, msg, subject, ctx, logger);
    } finally {
      clearInterval(heartbeat);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.opts.metrics?.handled.inc({ consumer: cfg.durable, stream: cfg.stream, outcome });
    this.opts.metrics?.duration.observe({ consumer: cfg.durable, outcome }, seconds);
  }

  private async run(
    cfg: ResolvedConsumer,
    msg: JsMsg,
    subject: string,
    ctx: JetStreamContext,
    logger: Logger,
  ): Promise<HandlerOutcome> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries > cfg.maxDeliver) {
      const reason = `max_deliver (${cfg.maxDeliver}) reached: the last attempt was never acknowledged (crash or ack timeout)`;
      return this.opts.deadLetters.park(cfg, msg, subject, reason, 'retriable', logger);
    }
    let failure: ClassifiedFailure;
    try {
      await this.invokeHandler(cfg, msg, subject, ctx);
      return await this.ack(cfg, msg, logger);
    } catch (err) {
      failure = classifyHandlerError(err);
    }
    if (failure.outcome === 'retriable' && deliveries < cfg.maxDeliver) {
      const delay = failure.delayMs ?? retryDelayMs(deliveries, cfg.retryBaseDelayMs, cfg.retryMaxDelayMs);
      logger.warn({ reason: failure.reason, delayMs: delay }, 'handler failed, will retry');
      msg.nak(delay);
      return 'retry';
    }
    const reason =
      failure.outcome === 'terminal'
        ? `terminal: ${failure.reason}`
        : `max_deliver (${cfg.maxDeliver}) reached: ${failure.reason}`;
    return this.opts.deadLetters.park(cfg, msg, subject, reason, failure.outcome, logger);
  }

  /** Runs the handler on the parsed payload (or the raw bytes), waiting for an Observable's last value. */
  private async invokeHandler(
    cfg: ResolvedConsumer,
    msg: JsMsg,
    subject: string,
    ctx: JetStreamContext,
  ): Promise<void> {
    const handler = this.opts.findHandler(subject);
    if (!handler) {
      throw new RetriableError(`no @EventPattern handler matches ${subject}`);
    }
    const data: unknown = cfg.rawPayload ? msg.data : msg.data.length === 0 ? undefined : msg.json();
    const result: unknown = await handler(data, ctx);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private async ack(cfg: ResolvedConsumer, msg: JsMsg, logger: Logger): Promise<HandlerOutcome> {
    if (!cfg.confirmAck) {
      msg.ack();
      return 'ack';
    }
    try {
      const ok = await msg.ackAck();
      if (!ok) logger.warn('ack not confirmed by the server; the message may be redelivered');
    } catch (err) {
      logger.warn({ err }, 'ack not confirmed by the server; the message may be redelivered');
    }
    return 'ack';
  }

  private logicalSubject(msg: JsMsg): string {
    try {
      return withoutPrefix(msg.subject, this.opts.prefix);
    } catch {
      return msg.subject;
    }
  }

  private messageLogger(cfg: ResolvedConsumer, msg: JsMsg, subject: string): Logger {
    const header = (name: string): string | undefined =>
      msg.headers?.has(name) ? msg.headers.get(name) : undefined;
    return this.opts.logger.child({
      service: this.opts.service,
      consumer: cfg.durable,
      subject,
      streamSeq: msg.seq,
      deliveries: msg.info.deliveryCount,
      msgId: header(MessagingHeaders.MsgId),
      correlationId: header(MessagingHeaders.CorrelationId),
      tenantId: header(MessagingHeaders.TenantId),
    });
  }
}
