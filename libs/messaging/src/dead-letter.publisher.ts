import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { ResolvedConsumer } from './jetstream-consumer.options';
import type { JetStreamPublisher } from './jetstream.publisher';
import { MessagingHeaders } from './messaging.constants';
import type { HandlerOutcome, MessagingMetrics } from './messaging.metrics';
import { dlqFilter, dlqSubject, streamName } from './subjects';

const MAX_REASON_LENGTH = 1024;

/**
 * Parks a message the service gives up on: copies it to FSM_DLQ (`fsm.dlq.<service>.<subject>`, the
 * original bytes and headers plus `fsm-dlq-*` saying why, from where, after how many deliveries), then
 * terms it. A message that could not be parked is never termed: it is nak'ed for a later try.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly service: string,
    private readonly prefix: string,
    private readonly metrics: MessagingMetrics | undefined,
  ) {}

  async park(
    cfg: ResolvedConsumer,
    msg: JsMsg,
    subject: string,
    reason: string,
    kind: 'retriable' | 'terminal',
    logger: Logger,
  ): Promise<HandlerOutcome> {
    const hdrs = this.headers(cfg, msg, subject, reason);
    const target = this.target(subject);
    const dlqMsgId = `${cfg.durable}:${msg.info.stream}:${msg.seq}`;
    try {
      await this.publisher.publishRaw(target, msg.data, hdrs, dlqMsgId, streamName('dlq', this.prefix));
    } catch (err) {
      // Never term a message we could not park: retry later instead.
      logger.error({ err, reason }, 'DLQ publish failed; message will be redelivered');
      msg.nak(cfg.retryMaxDelayMs);
      return 'dlq_failed';
    }
    msg.term();
    this.metrics?.dlq.inc({ consumer: cfg.durable, stream: cfg.stream, reason: kind });
    logger.error({ reason, dlqSubject: target }, 'message dead-lettered');
    return 'dlq';
  }

  /** The original headers (its message id moved to fsm-dlq-original-msg-id) and the fsm-dlq-* ones. */
  private headers(cfg: ResolvedConsumer, msg: JsMsg, subject: string, reason: string): MsgHdrs {
    const hdrs: MsgHdrs = natsHeaders();
    let originalMsgId: string | undefined;
    for (const key of msg.headers?.keys() ?? []) {
      if (key.toLowerCase() === MessagingHeaders.MsgId.toLowerCase()) {
        originalMsgId = msg.headers?.get(key);
        continue;
      }
      // Nats-Expected-*, Nats-Rollup ... would apply to the DLQ publish itself: leave them out.
      if (key.toLowerCase().startsWith('nats-')) continue;
      for (const v of msg.headers?.values(key) ?? []) hdrs.append(key, v);
    }
    const truncated =
      reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 3)}...` : reason;
    hdrs.set(MessagingHeaders.DlqReason, truncated.replace(/[\r\n]+/g, ' '));
    hdrs.set(MessagingHeaders.DlqStream, msg.info.stream);
    hdrs.set(MessagingHeaders.DlqSeq, String(msg.seq));
    hdrs.set(MessagingHeaders.DlqDeliveries, String(msg.info.deliveryCount));
    hdrs.set(MessagingHeaders.DlqConsumer, cfg.durable);
    hdrs.set(MessagingHeaders.DlqSubject, subject);
    hdrs.set(MessagingHeaders.DlqService, this.service);
    hdrs.set(MessagingHeaders.DlqFailedAt, new Date().toISOString());
    if (originalMsgId !== undefined) hdrs.set(MessagingHeaders.DlqOriginalMsgId, originalMsgId);
    return hdrs;
  }

  /** `fsm.dlq.<service>.<subject>`, or `fsm.dlq.<service>.unroutable` for a subject that cannot be one. */
  private target(subject: string): string {
    try {
      return dlqSubject(this.service, subject);
    } catch {
      return dlqFilter({ service: this.service }).replace(/>$/, 'unroutable');
    }
  }
}
