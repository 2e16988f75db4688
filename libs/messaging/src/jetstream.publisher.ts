import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { JSON_CONTENT_TYPE, MessagingHeaders, type StreamKind } from './messaging.constants';
import { MessagingError, MessagingErrorCode } from './messaging.error';
import { assertPrefix, streamName, withPrefix } from './subjects';

export interface PublishOptions {
  /** Required: the `Nats-Msg-Id` (event id, command id ...). JetStream drops a second publish with it. */
  msgId: string;
  correlationId?: string;
  /** W3C trace context of the caller. */
  traceparent?: string;
  tracestate?: string;
  tenantId?: string;
  connectionId?: string;
  /** Any other headers (values are strings). */
  headers?: Record<string, string>;
  /** Reject unless the subject lands in this stream (`Nats-Expected-Stream`), by kind or full name. */
  expectStream?: StreamKind | { name: string };
  timeoutMs?: number;
}

export interface JetStreamPublisherOptions {
  nc: NatsConnection;
  /** FIELDSYNC_STREAM_PREFIX; subjects given to publish() are logical and get the prefix here. */
  prefix?: string;
  js?: JetStreamClient;
  defaultTimeoutMs?: number;
}

/** Encodes a payload: bytes as they are, everything else as JSON. */
export function encodePayload(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const json = JSON.stringify(data);
  if (json === undefined) {
    throw new MessagingError(MessagingErrorCode.PublishFailed, 'payload is not JSON-serialisable');
  }
  return new TextEncoder().encode(json);
}

/** Builds NATS headers from our options (one place that spells header names). */
export function buildHeaders(
  opts: Omit<PublishOptions, 'expectStream' | 'timeoutMs'>,
  base?: MsgHdrs,
): MsgHdrs {
  const h = base ?? natsHeaders();
  const set = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') h.set(k, v);
  };
  for (const [k, v] of Object.entries(opts.headers ?? {})) set(k, v);
  set(MessagingHeaders.MsgId, opts.msgId);
  set(MessagingHeaders.CorrelationId, opts.correlationId);
  set(MessagingHeaders.Traceparent, opts.traceparent);
  set(MessagingHeaders.Tracestate, opts.tracestate);
  set(MessagingHeaders.TenantId, opts.tenantId);
  set(MessagingHeaders.ConnectionId, opts.connectionId);
  if (!h.has(MessagingHeaders.ContentType)) h.set(MessagingHeaders.ContentType, JSON_CONTENT_TYPE);
  return h;
}

/** Publishes to JetStream; every publish carries `Nats-Msg-Id`, so retries never store twice. */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(opts: JetStreamPublisherOptions) {
    this.js = opts.js ?? jetstream(opts.nc);
    this.prefix = assertPrefix(opts.prefix ?? '');
    this.timeoutMs = opts.defaultTimeoutMs ?? 5_000;
  }

  /**
   * @param subject logical subject from the builders in subjects.ts (the prefix is added here)
   * @param data JSON-serialisable value, or raw bytes
   * @returns the PubAck; `duplicate: true` when JetStream already had this msgId in its window
   */
  async publish(subject: string, data: unknown, opts: PublishOptions): Promise<PubAck> {
    if (typeof opts?.msgId !== 'string' || opts.msgId.trim() === '') {
      throw new MessagingError(
        MessagingErrorCode.MissingMsgId,
        `publish to ${subject} without msgId: every stream publish must set Nats-Msg-Id`,
      );
    }
    const physical = withPrefix(subject, this.prefix);
    const hdrs = buildHeaders(opts);
    const expected =
      opts.expectStream === undefined
        ? undefined
        : typeof opts.expectStream === 'string'
          ? streamName(opts.expectStream, this.prefix)
          : opts.expectStream.name;
    return this.js.publish(physical, encodePayload(data), {
      msgID: opts.msgId,
      headers: hdrs,
      timeout: opts.timeoutMs ?? this.timeoutMs,
      ...(expected === undefined ? {} : { expect: { streamName: expected } }),
    });
  }

  /** Publishes raw bytes with the given headers as they are (used for DLQ copies). */
  async publishRaw(
    subject: string,
    data: Uint8Array,
    hdrs: MsgHdrs,
    msgId: string,
    expectStream?: string,
  ): Promise<PubAck> {
    return this.js.publish(withPrefix(subject, this.prefix), data, {
      msgID: msgId,
      headers: hdrs,
      timeout: this.timeoutMs,
      ...(expectStream === undefined ? {} : { expect: { streamName: expectStream } }),
    });
  }
}
