import { ServerNats, Transport, type ClientOptions, type NatsOptions } from '@nestjs/microservices';
import { natsCredentials } from './nats-credentials.util';
import { assertPrefix, sessionsSubject, withPrefix, type SessionOperation } from './subjects';

/*
 * Session look-ups are core NATS request/reply through Nest's own NATS transport (`nats` v2).
 * Handlers write logical patterns (`@MessagePattern(sessionsFilter('status'))`); the server below
 * subscribes to them with the stream prefix, and callers send to `sessionRequest(...)`, which
 * carries the prefix. Replicas share the load through one queue group.
 */

export const DEFAULT_SESSIONS_QUEUE = 'fsm-session-manager';

export interface SessionsTransportOptions {
  servers: string | string[];
  /** FIELDSYNC_STREAM_PREFIX. */
  prefix?: string;
  /** Queue group of the responders (default `fsm-session-manager`, prefixed). */
  queue?: string;
  name?: string;
  timeoutMs?: number;
}

type NatsServerOptions = Required<NatsOptions>['options'];

/** Options of Nest's NATS transport (client or server side). */
export function sessionsNatsOptions(opts: SessionsTransportOptions): NatsServerOptions {
  const prefix = assertPrefix(opts.prefix ?? '');
  const queue = opts.queue ?? DEFAULT_SESSIONS_QUEUE;
  // User info in NATS_URL becomes the user/pass options (the nats client ignores it in a URL).
  const { servers, user, pass } = natsCredentials(opts.servers);
  return {
    servers,
    ...(user === undefined ? {} : { user, pass }),
    queue: prefix === '' ? queue : `${prefix}-${queue}`,
    timeout: opts.timeoutMs ?? 5_000,
    maxReconnectAttempts: -1,
    gracefulShutdown: true,
    gracePeriod: 1_000,
    ...(opts.name === undefined ? {} : { name: opts.name }),
  };
}

/** For `ClientsModule.register([{ name: TOKEN, ...sessionsClientOptions(opts) }])` or `ClientProxyFactory.create`. */
export function sessionsClientOptions(opts: SessionsTransportOptions): ClientOptions {
  return { transport: Transport.NATS, options: sessionsNatsOptions(opts) };
}

/**
 * Nest's `ServerNats`, subscribing to `<prefix>.<pattern>` so that two prefixes never answer each
 * other. `app.connectMicroservice({ strategy: new SessionsNatsServer(opts) })`.
 */
export class SessionsNatsServer extends ServerNats {
  private readonly prefix: string;
  private readonly queueGroup: string | undefined;
  private readonly prefixedSubs: { unsubscribe(): void }[] = [];

  constructor(opts: SessionsTransportOptions) {
    const natsOptions = sessionsNatsOptions(opts);
    super(natsOptions);
    this.prefix = assertPrefix(opts.prefix ?? '');
    this.queueGroup = natsOptions.queue;
  }

  override bindEvents(client: { subscribe(subject: string, opts: unknown): { unsubscribe(): void } }): void {
    for (const [channel, handlerRef] of this.messageHandlers) {
      const extras = handlerRef.extras as { queue?: string } | undefined;
      const sub = client.subscribe(withPrefix(channel, this.prefix), {
        queue: extras?.queue ?? this.queueGroup,
        callback: this.getMessageHandler(channel).bind(this) as (...args: unknown[]) => unknown,
      });
      this.prefixedSubs.push(sub);
    }
  }

  override async close(): Promise<void> {
    for (const sub of this.prefixedSubs.splice(0)) sub.unsubscribe();
    await super.close();
  }
}

/** The physical subject to `ClientProxy.send()` a session request to. */
export function sessionRequest(connectionId: string, op: SessionOperation, prefix = ''): string {
  return withPrefix(sessionsSubject(connectionId, op), prefix);
}
