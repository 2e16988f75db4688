import { EventEmitter } from 'node:events';
import { jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { runConsumerPullLoop } from './consumer-pull.loop';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { ensureDurableConsumer } from './durable-consumer.provisioner';
import { InFlightTracker } from './in-flight.tracker';
import {
  resolveConsumer,
  type JetStreamConsumerOptions,
  type ResolvedConsumer,
} from './jetstream-consumer.options';
import { JetStreamMessageDispatcher } from './jetstream-message.dispatcher';
import { JetStreamPublisher } from './jetstream.publisher';
import { MessagingMetrics } from './messaging.metrics';
import { connectNats, type ConnectNatsOptions } from './nats.connection';
import { assertPrefix, assertToken, isValidPattern, streamName, subjectMatches } from './subjects';

export { classifyHandlerError } from './classify-handler-error.util';
export type { JetStreamConsumerOptions } from './jetstream-consumer.options';
export { retryDelayMs } from './retry-delay.util';

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

interface RunningConsumer {
  messages: ConsumerMessages;
  loop: Promise<void>;
}

/** Events of `server.on(...)`. */
export type JetStreamServerEvents = {
  error: (err: unknown) => void;
  disconnect: (server?: string) => void;
  reconnect: (server?: string) => void;
};
type EmitterEvents = { [K in keyof JetStreamServerEvents]: Parameters<JetStreamServerEvents[K]> };

/**
 * NestJS transport for durable JetStream pull consumers:
 * `app.connectMicroservice({ strategy: new JetStreamServer(opts) })`, then `@EventPattern(subject)`.
 *
 * It connects (or borrows a connection), provisions each durable consumer (ensureDurableConsumer) and
 * runs its pull loop (runConsumerPullLoop: concurrency, ack heartbeats); each message goes through
 * JetStreamMessageDispatcher. Outcomes: handler resolves → ack (confirmed); RetriableError/unknown
 * error → nak(delay) with exponential backoff; TerminalError, ZodError, malformed JSON, or a retriable
 * failure on the last allowed delivery → copy to FSM_DLQ (DeadLetterPublisher) then term. `close()`
 * stops pulling, waits (bounded) for in-flight handlers and drains an owned connection.
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
  private running: RunningConsumer[] = [];
  private readonly inFlight = new InFlightTracker();
  private closing = false;
  private closed?: Promise<void>;

  constructor(opts: JetStreamServerOptions) {
    super();
    this.opts = opts;
    this.prefix = assertPrefix(opts.prefix ?? '');
    assertToken(opts.service, 'service');
    this.log = opts.logger.child({ component: 'JetStreamServer', service: opts.service });
    if (opts.registry) this.metrics = new MessagingMetrics(opts.registry);
    this.consumers = opts.consumers.map((c) => resolveConsumer(c));
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
    const nc = await this.connect();
    void this.watchStatus(nc);
    const js = jetstream(nc);
    const dispatcher = new JetStreamMessageDispatcher({
      service: this.opts.service,
      prefix: this.prefix,
      logger: this.opts.logger,
      metrics: this.metrics,
      findHandler: (subject) => this.findHandler(subject),
      deadLetters: new DeadLetterPublisher(
        new JetStreamPublisher({ nc, prefix: this.prefix, js }),
        this.opts.service,
        this.prefix,
        this.metrics,
      ),
    });
    for (const pattern of this.messageHandlers.keys()) {
      if (!isValidPattern(pattern))
        throw new Error(`@EventPattern ${JSON.stringify(pattern)} is not a NATS subject pattern`);
    }
    const jsm = await jetstreamManager(nc);
    for (const cfg of this.consumers) {
      const stream = streamName(cfg.stream, this.prefix);
      await ensureDurableConsumer(jsm, stream, cfg, this.prefix, this.log);
      const consumer = await js.consumers.get(stream, cfg.durable);
      const messages = await consumer.consume({ max_messages: cfg.concurrency, expires: cfg.pullExpiresMs });
      const loop = runConsumerPullLoop({
        cfg,
        messages,
        heartbeatFraction: this.opts.heartbeatFraction ?? 1 / 3,
        inFlight: this.inFlight,
        isClosing: () => this.closing,
        dispatch: (c, msg, heartbeat) => dispatcher.dispatch(c, msg, heartbeat),
        log: this.log,
        onStopped: (err) => this.emitter.emit('error', err),
      });
      this.running.push({ messages, loop });
      this.log.info(
        { stream, durable: cfg.durable, filter: cfg.filterSubject, concurrency: cfg.concurrency },
        'consumer started',
      );
    }
    this._status$.next('connected');
  }

  /** Stops pulling, waits (bounded) for in-flight handlers, then drains an owned connection. */
  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  /** Number of handlers running now (for tests and health). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private async connect(): Promise<NatsConnection> {
    if ('nc' in this.opts.connection) {
      this.nc = this.opts.connection.nc;
    } else {
      this.nc = await connectNats(this.opts.connection);
      this.ownsConnection = true;
    }
    return this.nc;
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

  private findHandler(subject: string): MessageHandler | undefined {
    const exact = this.messageHandlers.get(subject);
    if (exact) return exact;
    for (const [pattern, handler] of this.messageHandlers) {
      if (subjectMatches(pattern, subject)) return handler;
    }
    return undefined;
  }

  private async doClose(): Promise<void> {
    this.closing = true;
    await Promise.all(this.running.map((r) => r.messages.close().catch(() => undefined)));
    const timeoutMs = this.opts.shutdownTimeoutMs ?? 30_000;
    if (await this.inFlight.settle(timeoutMs)) {
      this.log.warn({ inFlight: this.inFlight.size, timeoutMs }, 'shutdown timeout: handlers still running');
    }
    await Promise.allSettled(this.running.map((r) => r.loop));
    if (this.nc && this.ownsConnection && !this.nc.isClosed()) {
      await this.nc.drain().catch(() => this.nc?.close());
    }
    this._status$.next('closed');
    this.emitter.removeAllListeners();
  }
}
