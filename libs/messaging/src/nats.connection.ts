import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { StreamKinds } from './messaging.constants';
import { MessagingError, MessagingErrorCode } from './messaging.error';
import { natsCredentials } from './nats-credentials.util';
import { streamName } from './subjects';

export interface ConnectNatsOptions {
  /** One URL, a comma-separated list, or an array (NATS_URL). */
  servers: string | string[];
  /** Connection name shown by the server (`<service>-<hostname>`). */
  name: string;
  /** Bound on the initial connect (default 5 s). A failed connection at boot rejects, it never hangs. */
  timeoutMs?: number;
  /** After the first connection: -1 = reconnect forever (default), n = give up after n attempts. */
  maxReconnectAttempts?: number;
  reconnectTimeWaitMs?: number;
  pingIntervalMs?: number;
  /** Anything else of the client (auth, tls ...). */
  extra?: Omit<
    NodeConnectionOptions,
    'servers' | 'name' | 'timeout' | 'maxReconnectAttempts' | 'reconnectTimeWait'
  >;
}

/**
 * Connects with a bounded timeout. Rejects with a MessagingError naming the servers when the
 * first connection fails (fatal at boot); once connected, reconnects per policy.
 */
export async function connectNats(opts: ConnectNatsOptions): Promise<NatsConnection> {
  // NATS_URL may carry the service's NATS user (`nats://writer:<password>@nats:4222`); the clients do
  // not read user info from a URL, so it becomes the user/pass options and never reaches a message.
  let parsed;
  try {
    parsed = natsCredentials(opts.servers);
  } catch (error) {
    throw new MessagingError(MessagingErrorCode.InvalidConfig, (error as Error).message, false, {
      cause: error,
    });
  }
  const { servers, user, pass } = parsed;
  const timeout = opts.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const attempt = connect({
    ...opts.extra,
    servers,
    ...(user === undefined ? {} : { user, pass }),
    name: opts.name,
    timeout,
    waitOnFirstConnect: false,
    maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1_000,
    ...(opts.pingIntervalMs === undefined ? {} : { pingInterval: opts.pingIntervalMs }),
  });
  // Belt and braces: even if the client's own timeout never fires, we do not hang.
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no connection within ${timeout + 1_000} ms`)),
      timeout + 1_000,
    );
  });
  try {
    return await Promise.race([attempt, guard]);
  } catch (cause) {
    attempt.then(
      (nc) => void nc.close(),
      () => undefined,
    );
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new MessagingError(
      MessagingErrorCode.ConnectFailed,
      `cannot connect to NATS at ${servers.join(',')} as "${opts.name}": ${reason}`,
      true,
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
}

export interface NatsReadiness {
  ok: boolean;
  connected: boolean;
  missingStreams: string[];
  error?: string;
}

/** Readiness for `/health/ready`: the connection is open and the four streams exist. */
export async function checkNats(
  nc: NatsConnection,
  config: { prefix: string },
  opts: { timeoutMs?: number; jsm?: JetStreamManager } = {},
): Promise<NatsReadiness> {
  if (nc.isClosed() || nc.isDraining()) {
    return { ok: false, connected: false, missingStreams: [], error: 'NATS connection is closed' };
  }
  try {
    const jsm =
      opts.jsm ?? (await jetstreamManager(nc, { timeout: opts.timeoutMs ?? 2_000, checkAPI: false }));
    const names = StreamKinds.map((k) => streamName(k, config.prefix));
    const missing: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        try {
          await jsm.streams.info(name);
        } catch {
          missing.push(name);
        }
      }),
    );
    missing.sort();
    return missing.length === 0
      ? { ok: true, connected: true, missingStreams: [] }
      : {
          ok: false,
          connected: true,
          missingStreams: missing,
          error: `missing streams: ${missing.join(', ')}`,
        };
  } catch (err) {
    return {
      ok: false,
      connected: true,
      missingStreams: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
