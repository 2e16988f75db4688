import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { BaseRpcContext } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { MessagingHeaders } from './messaging.constants';

type JetStreamContextArgs = [msg: JsMsg, subject: string, consumer: string, logger: Logger];

/** What a `@EventPattern` handler of the JetStream transport gets with `@Ctx()`. */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  /** The logical subject (without stream prefix), e.g. `fsm.commands.t1.c1.job.create`. */
  getSubject(): string {
    return this.args[1];
  }
  /** The subject on the wire (with prefix). */
  getPhysicalSubject(): string {
    return this.args[0].subject;
  }
  getMessage(): JsMsg {
    return this.args[0];
  }
  getHeaders(): MsgHdrs | undefined {
    return this.args[0].headers;
  }
  getHeader(name: string): string | undefined {
    const h = this.args[0].headers;
    if (!h?.has(name)) return undefined;
    return h.get(name);
  }
  /** `Nats-Msg-Id`: the event or command id; make handlers idempotent on it. */
  getMessageId(): string | undefined {
    return this.getHeader(MessagingHeaders.MsgId);
  }
  getCorrelationId(): string | undefined {
    return this.getHeader(MessagingHeaders.CorrelationId);
  }
  getTraceparent(): string | undefined {
    return this.getHeader(MessagingHeaders.Traceparent);
  }
  getTenantId(): string | undefined {
    return this.getHeader(MessagingHeaders.TenantId);
  }
  /** 1 on the first delivery. */
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }
  getStreamSequence(): number {
    return this.args[0].seq;
  }
  getStream(): string {
    return this.args[0].info.stream;
  }
  getConsumer(): string {
    return this.args[2];
  }
  /** A child logger carrying subject, stream sequence, message and correlation id. */
  getLogger(): Logger {
    return this.args[3];
  }
  /** Extends the ack deadline (the transport already does this periodically while the handler runs). */
  working(): void {
    this.args[0].working();
  }
}
