import {
  natsCredentials,
  sessionRequest,
  sessionsNatsOptions,
  type SessionOperation,
} from '@fieldsync/messaging';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, throwError, timeout } from 'rxjs';
import type { z } from 'zod';
import { SessionAcquireError, SessionClientError } from './session-client.error';
import { positiveMs } from './ms-option.util';
import type { AcquireRequest, InvalidateRequest, StatusRequest } from './sessions.schema';
import { describeIssues } from './sessions.schema';

export interface SessionRequesterOptions {
  /** This service: named in errors (which NATS user may not publish to fsm.sessions.>). */
  service: string;
  /** NATS_URL: one URL, a comma-separated list or an array; `nats://user:pass@host:4222` carries the NATS user. */
  servers: string | readonly string[];
  /** FIELDSYNC_STREAM_PREFIX, already checked. */
  prefix: string;
  /** Connection name shown by the NATS server. */
  name: string;
  /** Bound on the first connection to NATS (default 5 s). */
  connectTimeoutMs: number | undefined;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

class RequestTimeout extends Error {}

/** The failure Nest's RPC exception filter sends back when a handler throws. */
function rpcFailureMessage(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return typeof err === 'string' ? err : undefined;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * `fsm.sessions.<connection>.<op>` requests over Nest's NATS transport: each bounded by its timeout,
 * its reply checked against the v1 contract. A failure to get a reply is a SessionClientError
 * (SessionAcquireError for acquire): `timeout`, `transport` or `internal` (retriable), `bad_reply` (not).
 * Error messages name the servers, never a password.
 */
export class SessionRequester {
  private readonly client: ClientProxy;
  /** Credential-free, for error messages. */
  private readonly servers: string[];
  private connecting: Promise<unknown> | undefined;
  private closed = false;

  constructor(private readonly options: SessionRequesterOptions) {
    const { servers, user, pass } = natsCredentials(options.servers);
    this.servers = servers;
    this.client = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: {
        ...sessionsNatsOptions({
          servers,
          prefix: options.prefix,
          name: options.name,
          timeoutMs: positiveMs(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
        }),
        ...(user === undefined ? {} : { user, pass }),
      },
    });
  }

  /** Opens the NATS connection (otherwise the first request does). */
  async connect(): Promise<void> {
    const { service } = this.options;
    if (this.closed) throw new Error(`SessionClient (${service}) is closed`);
    this.connecting ??= this.client.connect();
    try {
      await this.connecting;
    } catch (cause) {
      this.connecting = undefined;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `SessionClient (${service}) cannot connect to NATS at ${this.servers.join(',')}: ${reason}`,
        {
          cause,
        },
      );
    }
  }

  /**
   * Closes the connection for good; later requests fail with `transport` instead of reconnecting.
   * `beforeDisconnect` runs once no connection attempt is pending any more.
   */
  async close(beforeDisconnect: () => void): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    beforeDisconnect();
    await this.client.close();
  }

  /** One request, bounded by `timeoutMs`, its reply validated by `schema`. */
  async request<S extends z.ZodType>(
    op: SessionOperation,
    connectionId: string,
    payload: AcquireRequest | InvalidateRequest | StatusRequest,
    timeoutMs: number,
    schema: S,
  ): Promise<z.output<S>> {
    const ErrorClass = op === 'acquire' ? SessionAcquireError : SessionClientError;
    const subject = sessionRequest(connectionId, op, this.options.prefix);
    if (this.closed) {
      throw new ErrorClass(
        'transport',
        `${op} ${connectionId}: the SessionClient is closed`,
        false,
        connectionId,
      );
    }
    let raw: unknown;
    try {
      raw = await firstValueFrom(
        this.client
          .send<unknown>(subject, payload)
          .pipe(timeout({ first: timeoutMs, with: () => throwError(() => new RequestTimeout()) })),
      );
    } catch (err) {
      if (err instanceof RequestTimeout) {
        throw new ErrorClass(
          'timeout',
          `${op} ${connectionId}: no answer from the session manager on ${subject} within ${timeoutMs} ms ` +
            `(is it running with the same stream prefix, and may "${this.options.service}" publish to fsm.sessions.>?)`,
          true,
          connectionId,
        );
      }
      const serverMessage = rpcFailureMessage(err);
      if (serverMessage !== undefined && typeof err === 'object' && err !== null && !(err instanceof Error)) {
        // The handler threw instead of answering with an error reply.
        throw new ErrorClass(
          'internal',
          `${op} ${connectionId}: the session manager failed: ${serverMessage}`,
          true,
          connectionId,
        );
      }
      throw new ErrorClass(
        'transport',
        `${op} ${connectionId}: request on ${subject} failed: ${serverMessage ?? 'unknown error'}`,
        true,
        connectionId,
        { cause: err },
      );
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new ErrorClass(
        'bad_reply',
        `${op} ${connectionId}: the session manager's reply is not the v1 contract: ${describeIssues(parsed.error)}`,
        false,
        connectionId,
      );
    }
    return parsed.data;
  }
}
