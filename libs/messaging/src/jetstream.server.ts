import { EventEmitter } from 'node:events';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isObservable, lastValueFrom } from 'rxjs';
import { JetStreamContext } from './jetstream.context';
import { JetStreamPublisher } from './jetstream.publisher';
import { MessagingHeaders, type StreamKind } from './messaging.constants';
import { isHandlerFailure, RetriableError, TerminalError } from './messaging.error';
import { MessagingMetrics, type HandlerOutcome } from './messaging.metrics';
import { connectNats, type ConnectNatsOptions } from './nats.connection';
import { Semaphore } from './semaphore.util';
import {
  assertPrefix,
  assertToken,
  dlqFilter,
  dlqSubject,
  isValidPattern,
  streamName,
  subjectMatches,
  withoutPrefix,
  withPrefix,
} from './subjects';

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

export interface JetStreamServerOptions {
  /** Service name: DLQ subjects are `fsm.dlq.<service>.<original subject>`. */
  service: string;
  /** Either connection options (the server owns and drains the connection) or a connection it borrows. */
  connection: ConnectNatsOptions | { nc: NatsConnection };
  /** FIELDSYNC_STREAM_PREFIX. */
  prefix?: string;
  consumers: JetStreamConsumerOptions[];
  logger: Logger;
  registry?: Registry;
  /** Bound on waiting for in-flight handlers at close (default 30 s). */
  shutdownTimeoutMs?: number;
  /** `working()` every ackWait × fraction while a handler runs (default 1/3). */
  heartbeatFraction?: number;
}

type ResolvedConsumer = Required<Omit<JetStreamConsumerOptions, 'backoffMs'>> & { backoffMs?: number[] };

interface RunningConsumer {
  cfg: ResolvedConsumer;
  messages: ConsumerMessages;
  loop: Promise<void>;
  semaphore: Semaphore;
}

type Classified =
  { outcome: 'retriable'; reason: string; delayMs?: number } | { outcome: 'terminal'; reason: string };

/** Events of `server.on(...)`. */
export type JetStreamServerEvents = {
  error: (err: unknown) => void;
  disconnect: (server?: string) => void;
  reconnect: (server?: string) => void;
};
type EmitterEvents = { [K in keyof JetStreamServerEvents]: Parameters<JetStreamServerEvents[K]> };

/** Classifies a handler failure (original error, or what Nest's RPC exception filter made of it). */
export function classifyHandlerError(err: unknown): Classified {
  if (err instanceof TerminalError) return { outcome: 'terminal', reason: err.message };
  if (err instanceof RetriableError) {
    return err.delayMs === undefined
      ? { outcome: 'retriable', reason: err.message }
      : { outcome: 'retriable', reason: err.message, delayMs: err.delayMs };
  }
  if (isHandlerFailure(err)) {
    return err.outcome === 'terminal'
      ? { outcome: 'terminal', reason: err.message }
      : err.delayMs === undefined
        ? { outcome: 'retriable', reason: err.message }
        : { outcome: 'retriable', reason: err.message, delayMs: err.delayMs };
  }
  if (err instanceof Error && (err.name === 'ZodError' || err.name === '$ZodError')) {
    return { outcome: 'terminal', reason: `invalid payload: ${err.message}` };
  }
  if (err instanceof SyntaxError) return { outcome: 'terminal', reason: `malformed payload: ${err.message}` };
  const message =
    err instanceof Error
      ? err.message
      : typeof err === 'object' && err !== null && 'message' in err
        ? String(err.message)
        : String(err);
  return { outcome: 'retriable', reason: message };
}

/** Exponential nak delay by delivery count. */
export function retryDelayMs(deliveryCount: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(30, Math.max(0, deliveryCount - 1));
  return Math.min(maxMs, baseMs * 2 ** exp);
}

/**
 * NestJS transport for durable JetStream pull consumers:
 * `app.connectMicroservice({ strategy: new JetStreamServer(opts) })`, then `@EventPattern(subject)`.
 *
 * Outcomes: handler resolves → ack (confirmed); RetriableError/unknown error → nak(delay) with
 * exponential backoff; TerminalError, ZodError, malformed JSON, or a retriable failure on the last
 * allowed delivery → copy to FSM_DLQ (original data + headers + fsm-dlq-*) then term.
 */
export class JetStreamServer extends Server<JetStreamServerEvents> implements CustomTransportStrategy {
  private readonly opts: JetStreamServerOptions;
  private readonly prefix: string;
  private readonly log: Logger;
  private readonly metrics?: MessagingMetrics;
  private readonly emitter = new EventEmitter<EmitterEvents>();
  private readonly consumers: ResolvedConsumer[];
  private nc?: NatsConnection;
  private ownsConnection = false;
  private js?: JetStreamClient;
  private dlqPublisher?: JetStreamPublisher;
  private running: RunningConsumer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private closed?: Promise<void>;

  constructor(opts: JetStreamServerOptions) {
    super();
    this.opts = opts;
    this.prefix = assertPrefix(opts.prefix ?? '');
    assertToken(opts.service, 'service');
    this.log = opts.logger.child({ component: 'JetStreamServer', service: opts.service });
    if (opts.registry) this.metrics = new MessagingMetrics(opts.registry);
    this.consumers = opts.consumers.map((c) => this.resolveConsumer(c));
  }

  private resolveConsumer(c: JetStreamConsumerOptions): ResolvedConsumer {
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

  on<
    K extends keyof JetStreamServerEvents = keyof JetStreamServerEvents,
    C extends JetStreamServerEvents[K] = JetStreamServerEvents[K],
  >(event: K, callback: C): void {
    this.emitter.on(event, callback as never);
  }

  unwrap<T>(): T {
    if (!this.nc) throw new Error('JetStreamServer is not listening: call listen() first');
    return this.nc as T;
  }

  listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): void {
    this.start().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  /** Connects, creates or updates the durable consumers and starts pulling. */
  async start(): Promise<void> {
    if ('nc' in this.opts.connection) {
      this.nc = this.opts.connection.nc;
    } else {
      this.nc = await connectNats(this.opts.connection);
      this.ownsConnection = true;
    }
    void this.watchStatus(this.nc);
    this.js = jetstream(this.nc);
    this.dlqPublisher = new JetStreamPublisher({ nc: this.nc, prefix: this.prefix, js: this.js });
    for (const pattern of this.messageHandlers.keys()) {
      if (!isValidPattern(pattern))
        throw new Error(`@EventPattern ${JSON.stringify(pattern)} is not a NATS subject pattern`);
    }
    const jsm = await jetstreamManager(this.nc);
    for (const cfg of this.consumers) {
      const stream = streamName(cfg.stream, this.prefix);
      await this.ensureConsumer(jsm, stream, cfg);
      const consumer = await this.js.consumers.get(stream, cfg.durable);
      const messages = await consumer.consume({ max_messages: cfg.concurrency, expires: cfg.pullExpiresMs });
      const semaphore = new Semaphore(cfg.concurrency);
      const loop = this.pull(cfg, messages, semaphore);
      this.running.push({ cfg, messages, loop, semaphore });
      this.log.info(
        { stream, durable: cfg.durable, filter: cfg.filterSubject, concurrency: cfg.concurrency },
        'consumer started',
      );
    }
    this._status$.next('connected');
  }

  private async ensureConsumer(
    jsm: Awaited<ReturnType<typeof jetstreamManager>>,
    stream: string,
    cfg: ResolvedConsumer,
  ): Promise<void> {
    const desired: Partial<ConsumerConfig> = {
      durable_name: cfg.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: cfg.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subject: withPrefix(cfg.filterSubject, this.prefix),
      ack_wait: nanos(cfg.ackWaitMs),
      // One delivery more than the handler gets: if the process dies during the last allowed attempt
      // (no ack, no nak), JetStream delivers once more and that delivery goes straight to the DLQ
      // instead of the message sitting in the stream forever.
      max_deliver: cfg.maxDeliver + 1,
      max_ack_pending: cfg.maxAckPending,
      ...(cfg.backoffMs ? { backoff: cfg.backoffMs.map((ms) => nanos(ms)) } : {}),
    };
    try {
      const info = await jsm.consumers.info(stream, cfg.durable);
      const c = info.config;
      const drift =
        c.filter_subject !== desired.filter_subject ||
        c.ack_wait !== desired.ack_wait ||
        c.max_deliver !== desired.max_deliver ||
        c.max_ack_pending !== desired.max_ack_pending ||
        JSON.stringify(c.backoff ?? []) !== JSON.stringify(desired.backoff ?? []);
      if (!drift) return;
      try {
        const { durable_name: _d, ack_policy: _a, deliver_policy: _p, ...update } = desired;
        await jsm.consumers.update(stream, cfg.durable, update);
        this.log.info({ stream, durable: cfg.durable }, 'consumer config updated');
      } catch (err) {
        this.log.warn({ stream, durable: cfg.durable, err }, 'consumer config differs and cannot be updated');
      }
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === (JetStreamApiCodes.ConsumerNotFound as number)))
        throw err;
      await jsm.consumers.add(stream, desired);
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.log.warn({ server: s.server }, 'NATS disconnected');
        this._status$.next('disconnected');
        this.emitter.emit('disconnect', s.server);
      } else if (s.type === 'reconnect') {
        this.log.info({ server: s.server }, 'NATS reconnected');
        this._status$.next('connected');
        this.emitter.emit('reconnect', s.server);
      } else if (s.type === 'error') {
        this.log.error({ err: s.error }, 'NATS error');
        this.emitter.emit('error', s.error);
      }
    }
  }

  private async pull(cfg: ResolvedConsumer, messages: ConsumerMessages, semaphore: Semaphore): Promise<void> {
    try {
      for await (const msg of messages) {
        // Heartbeats start on receipt: a message waiting for a free slot must not time out either.
        const heartbeat = this.startHeartbeat(cfg, msg);
        await semaphore.acquire();
        if (this.closing) {
          clearInterval(heartbeat);
          // Pulled but never started. An immediate nak would be redelivered into our still-open
          // pull request (and lost until ack wait, burning a delivery): delay it past its expiry.
          semaphore.release();
          msg.nak(cfg.pullExpiresMs);
          continue;
        }
        const task = this.handle(cfg, msg, heartbeat)
          .catch((err: unknown) => this.log.error({ err, durable: cfg.durable }, 'message handling failed'))
          .finally(() => {
            semaphore.release();
            this.inFlight.delete(task);
          });
        this.inFlight.add(task);
      }
    } catch (err) {
      if (!this.closing) {
        this.log.error({ err, durable: cfg.durable }, 'consumer stopped');
        this.emitter.emit('error', err);
      }
    }
  }

  private findHandler(subject: string): MessageHandler | undefined {
    const exact = this.messageHandlers.get(subject);
    if (exact) return exact;
    for (const [pattern, handler] of this.messageHandlers) {
      if (subjectMatches(pattern, subject)) return handler;
    }
    return undefined;
  }

  private startHeartbeat(cfg: ResolvedConsumer, msg: JsMsg): NodeJS.Timeout {
    const every = Math.max(50, Math.floor(cfg.ackWaitMs * (this.opts.heartbeatFraction ?? 1 / 3)));
    return setInterval(() => {
      try {
        msg.working();
      } catch {
        // connection gone: the message will be redelivered
      }
    }, every);
  }

  private async handle(cfg: ResolvedConsumer, msg: JsMsg, heartbeat: NodeJS.Timeout): Promise<void> {
    const started = process.hrtime.bigint();
    let subject: string;
    try {
      subject = withoutPrefix(msg.subject, this.prefix);
    } catch {
      subject = msg.subject;
    }
    const header = (name: string): string | undefined =>
      msg.headers?.has(name) ? msg.headers.get(name) : undefined;
    const logger = this.opts.logger.child({
      service: this.opts.service,
      consumer: cfg.durable,
      subject,
      streamSeq: msg.seq,
      deliveries: msg.info.deliveryCount,
      msgId: header(MessagingHeaders.MsgId),
      correlationId: header(MessagingHeaders.CorrelationId),
      tenantId: header(MessagingHeaders.TenantId),
    });
    const ctx = new JetStreamContext([msg, subject, cfg.durable, logger]);
    let outcome: HandlerOutcome;
    try {
      outcome = await this.run(cfg, msg, subject, ctx, logger);
    } finally {
      clearInterval(heartbeat);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics?.handled.inc({ consumer: cfg.durable, stream: cfg.stream, outcome });
    this.metrics?.duration.observe({ consumer: cfg.durable, outcome }, seconds);
  }

  private async run(
    cfg: ResolvedConsumer,
    msg: JsMsg,
    subject: string,
    ctx: JetStreamContext,
    logger: Logger,
  ): Promise<HandlerOutcome> {
    let failure: Classified;
    const deliveries = msg.info.deliveryCount;
    if (deliveries > cfg.maxDeliver) {
      const reason = `max_deliver (${cfg.maxDeliver}) reached: the last attempt was never acknowledged (crash or ack timeout)`;
      return this.deadLetter(cfg, msg, subject, reason, 'retriable', logger);
    }
    try {
      const handler = this.findHandler(subject);
      if (!handler) {
        throw new RetriableError(`no @EventPattern handler matches ${subject}`);
      }
      const data: unknown = cfg.rawPayload ? msg.data : msg.data.length === 0 ? undefined : msg.json();
      const result: unknown = await handler(data, ctx);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
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
    return this.deadLetter(cfg, msg, subject, reason, failure.outcome, logger);
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

  /** Copies the message to FSM_DLQ (original bytes + headers + fsm-dlq-*) then terms it. */
  private async deadLetter(
    cfg: ResolvedConsumer,
    msg: JsMsg,
    subject: string,
    reason: string,
    kind: 'retriable' | 'terminal',
    logger: Logger,
  ): Promise<HandlerOutcome> {
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
    const truncated = reason.length > 1024 ? `${reason.slice(0, 1021)}...` : reason;
    hdrs.set(MessagingHeaders.DlqReason, truncated.replace(/[\r\n]+/g, ' '));
    hdrs.set(MessagingHeaders.DlqStream, msg.info.stream);
    hdrs.set(MessagingHeaders.DlqSeq, String(msg.seq));
    hdrs.set(MessagingHeaders.DlqDeliveries, String(msg.info.deliveryCount));
    hdrs.set(MessagingHeaders.DlqConsumer, cfg.durable);
    hdrs.set(MessagingHeaders.DlqSubject, subject);
    hdrs.set(MessagingHeaders.DlqService, this.opts.service);
    hdrs.set(MessagingHeaders.DlqFailedAt, new Date().toISOString());
    if (originalMsgId !== undefined) hdrs.set(MessagingHeaders.DlqOriginalMsgId, originalMsgId);

    let target: string;
    try {
      target = dlqSubject(this.opts.service, subject);
    } catch {
      target = dlqFilter({ service: this.opts.service }).replace(/>$/, 'unroutable');
    }
    const dlqMsgId = `${cfg.durable}:${msg.info.stream}:${msg.seq}`;
    try {
      await this.dlqPublisher?.publishRaw(target, msg.data, hdrs, dlqMsgId, streamName('dlq', this.prefix));
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

  /** Stops pulling, waits (bounded) for in-flight handlers, then drains an owned connection. */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    await Promise.all(this.running.map((r) => r.messages.close().catch(() => undefined)));
    const timeoutMs = this.opts.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.log.warn({ inFlight: this.inFlight.size, timeoutMs }, 'shutdown timeout: handlers still running');
    }
    await Promise.allSettled(this.running.map((r) => r.loop));
    if (this.nc && this.ownsConnection && !this.nc.isClosed()) {
      await this.nc.drain().catch(() => this.nc?.close());
    }
    this._status$.next('closed');
    this.emitter.removeAllListeners();
  }

  /** Number of handlers running now (for tests and health). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }
}
