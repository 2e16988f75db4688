import { hostname } from 'node:os';
import type { CapturedSession, SessionUser } from '@fieldsync/connector-kit';
import {
  natsCredentials,
  assertPrefix,
  sessionRequest,
  sessionsNatsOptions,
  type SessionOperation,
} from '@fieldsync/messaging';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, throwError, timeout } from 'rxjs';
import type { z } from 'zod';
import {
  SessionAcquireError,
  SessionClientError,
  SessionEnvelopeError,
  type SessionClientErrorCode,
} from './session-client.error';
import { SessionKeyPair } from './session-envelope';
import {
  MAX_MIN_VALIDITY_MS,
  SERVICE_NAME_RE,
  CONNECTION_ID_RE,
  acquireReplySchema,
  describeIssues,
  invalidateReplySchema,
  statusReplySchema,
  type AcquireRequest,
  type InvalidateReason,
  type InvalidateRequest,
  type StatusOkReply,
  type StatusRequest,
} from './sessions.schema';

export interface SessionClientOptions {
  /** This service (`extractor`, `writer`): the requester, bound into every envelope it can open. */
  service: string;
  /** NATS_URL: one URL, a comma-separated list or an array; `nats://user:pass@host:4222` carries the NATS user. */
  servers: string | readonly string[];
  /** FIELDSYNC_STREAM_PREFIX (the session manager must run with the same one). */
  prefix?: string;
  /**
   * How long a request waits for the session manager's answer. Default 90 s: an acquire may wait for
   * a whole login, SMS or email code included.
   */
  timeoutMs?: number;
  /** Bound on the first connection to NATS (default 5 s). */
  connectTimeoutMs?: number;
  /** A cached session is reused until `expiresAt - cacheMarginMs` (default 60 s). */
  cacheMarginMs?: number;
  /** Connection name shown by the NATS server (default `<service>-sessions-<hostname>`). */
  name?: string;
  /** The clock, for tests. */
  now?: () => number;
}

export interface AcquireOptions {
  /** The session must stay valid at least this long (ms); a cached one that does not is not used. */
  minValidityMs?: number;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
}

/** A session from the session manager, decrypted in this process. Never log `session`. */
export interface AcquiredSession {
  readonly connectionId: string;
  /** Pass it to `invalidate()` when the vendor rejects this session. */
  readonly sessionVersion: number;
  /** ISO time after which the session is not used (the reply's, which may be sooner than the vendor's). */
  readonly expiresAt: string;
  readonly user: SessionUser;
  readonly session: CapturedSession;
}

interface CacheEntry {
  readonly value: AcquiredSession;
  readonly expiresAtMs: number;
}

interface InFlight {
  readonly minValidityMs: number;
  readonly promise: Promise<AcquiredSession>;
}

const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_MARGIN_MS = 60_000;

class RequestTimeout extends Error {}

/** The failure Nest's RPC exception filter sends back when a handler throws. */
function rpcFailureMessage(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return typeof err === 'string' ? err : undefined;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * The extractor's and the writer's way to a vendor session: `fsm.sessions.<connection>.acquire |
 * invalidate | status` over Nest's NATS transport (the same protocol as `SessionsNatsServer`).
 *
 * - acquire: sends this process's X25519 public key, opens the sealed reply locally, caches the session
 *   per connection until `expiresAt - cacheMarginMs`; concurrent acquires of one connection share one
 *   request.
 * - invalidate: what a consumer calls on a vendor 401/403; drops the cache (and any answer still in
 *   flight), then tells the session manager, so the next acquire brings a fresh session.
 * - status: the session manager's view of the connection and its session.
 *
 * Failures are SessionClientError (SessionAcquireError for acquire) with the session manager's code,
 * or `timeout` / `transport` (retriable), `bad_reply` / `envelope` (not).
 */
export class SessionClient {
  readonly service: string;
  private readonly keyPair = SessionKeyPair.generate();
  private readonly client: ClientProxy;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly cacheMarginMs: number;
  private readonly now: () => number;
  /** Credential-free, for error messages. */
  private readonly servers: string[];
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Bumped by invalidate(): an answer to a request sent before it is returned but not cached. */
  private readonly generations = new Map<string, number>();
  /** Invalidations on their way: an acquire waits for them, so it cannot overtake one. */
  private readonly invalidations = new Map<string, Promise<unknown>>();
  private connecting: Promise<unknown> | undefined;
  private closed = false;

  constructor(options: SessionClientOptions) {
    if (!SERVICE_NAME_RE.test(options.service)) {
      throw new TypeError(
        `SessionClient: service must be a service name (a-z, 0-9, -; starting with a letter), got ${JSON.stringify(options.service)}`,
      );
    }
    this.service = options.service;
    this.prefix = assertPrefix(options.prefix ?? '');
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.cacheMarginMs = nonNegative(options.cacheMarginMs, DEFAULT_CACHE_MARGIN_MS, 'cacheMarginMs');
    this.now = options.now ?? Date.now;
    const { servers, user, pass } = natsCredentials(options.servers);
    this.servers = servers;
    this.client = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: {
        ...sessionsNatsOptions({
          servers,
          prefix: this.prefix,
          name: options.name ?? `${options.service}-sessions-${hostname()}`,
          timeoutMs: positive(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
        }),
        ...(user === undefined ? {} : { user, pass }),
      },
    });
  }

  /** Opens the NATS connection (otherwise the first request does). Rejects naming the servers, never a password. */
  async connect(): Promise<void> {
    if (this.closed) throw new Error(`SessionClient (${this.service}) is closed`);
    this.connecting ??= this.client.connect();
    try {
      await this.connecting;
    } catch (cause) {
      this.connecting = undefined;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `SessionClient (${this.service}) cannot connect to NATS at ${this.servers.join(',')}: ${reason}`,
        {
          cause,
        },
      );
    }
  }

  /** Closes the connection for good; later requests fail with `transport` instead of reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    this.cache.clear();
    await this.client.close();
  }

  /**
   * A valid session for `connectionId`: from the cache while it has more than `max(cacheMarginMs,
   * minValidityMs)` left, otherwise from the session manager (one request per connection at a time).
   */
  async acquire(connectionId: string, options: AcquireOptions = {}): Promise<AcquiredSession> {
    this.checkConnectionId(connectionId, 'acquire');
    const minValidityMs = options.minValidityMs ?? 0;
    if (!Number.isSafeInteger(minValidityMs) || minValidityMs < 0 || minValidityMs > MAX_MIN_VALIDITY_MS) {
      throw new SessionAcquireError(
        'bad_request',
        `acquire ${connectionId}: minValidityMs must be an integer from 0 to ${MAX_MIN_VALIDITY_MS}`,
        false,
        connectionId,
      );
    }
    const timeoutMs = positive(options.timeoutMs, this.timeoutMs, 'timeoutMs');

    const cached = this.cache.get(connectionId);
    if (cached) {
      if (cached.expiresAtMs - this.now() > Math.max(this.cacheMarginMs, minValidityMs)) return cached.value;
      this.cache.delete(connectionId);
    }
    const running = this.inFlight.get(connectionId);
    if (running) {
      const shared = await running.promise;
      if (Date.parse(shared.expiresAt) - this.now() >= minValidityMs) return shared;
      // It was asked with a shorter minValidityMs than ours: ask (or join someone who asked) again.
      const again = this.inFlight.get(connectionId);
      if (again && again.minValidityMs >= minValidityMs) return again.promise;
    }
    return this.requestSession(connectionId, minValidityMs, timeoutMs);
  }

  /**
   * Gives the session back: the vendor answered 401/403 with it (`sessionVersion` from the acquire),
   * or an operator asked. The local cache is dropped at once; resolves to whether the session manager
   * invalidated something (false: no session, or it already holds a newer one).
   */
  async invalidate(
    connectionId: string,
    reason: InvalidateReason,
    sessionVersion?: number,
  ): Promise<{ invalidated: boolean }> {
    this.checkConnectionId(connectionId, 'invalidate');
    const cached = this.cache.get(connectionId);
    const version = sessionVersion ?? cached?.value.sessionVersion;
    if (!cached || version === undefined || cached.value.sessionVersion <= version) {
      // Forget the session, and the request that may be bringing it back: the next acquire asks anew.
      this.cache.delete(connectionId);
      this.inFlight.delete(connectionId);
      this.generations.set(connectionId, (this.generations.get(connectionId) ?? 0) + 1);
    }
    const payload: InvalidateRequest = {
      requester: this.service,
      reason,
      ...(version === undefined ? {} : { sessionVersion: version }),
    };
    const pending = this.request('invalidate', connectionId, payload, this.timeoutMs, invalidateReplySchema);
    this.invalidations.set(connectionId, pending);
    let reply: z.output<typeof invalidateReplySchema>;
    try {
      reply = await pending;
    } finally {
      if (this.invalidations.get(connectionId) === pending) this.invalidations.delete(connectionId);
    }
    if (!reply.ok) throw this.failure(SessionClientError, connectionId, 'invalidate', reply.error);
    return { invalidated: reply.invalidated };
  }

  /** The session manager's view of the connection and its current session (no secret in it). */
  async status(connectionId: string): Promise<StatusOkReply> {
    this.checkConnectionId(connectionId, 'status');
    const payload: StatusRequest = { requester: this.service };
    const reply = await this.request('status', connectionId, payload, this.timeoutMs, statusReplySchema);
    if (!reply.ok) throw this.failure(SessionClientError, connectionId, 'status', reply.error);
    if (reply.connectionId !== connectionId) {
      throw new SessionClientError(
        'bad_reply',
        `status ${connectionId}: the reply is about connection ${reply.connectionId}`,
        false,
        connectionId,
      );
    }
    return reply;
  }

  private requestSession(
    connectionId: string,
    minValidityMs: number,
    timeoutMs: number,
  ): Promise<AcquiredSession> {
    const generation = this.generations.get(connectionId) ?? 0;
    const promise = this.fetchSession(connectionId, minValidityMs, timeoutMs)
      .then((acquired) => {
        const expiresAtMs = Date.parse(acquired.expiresAt);
        if ((this.generations.get(connectionId) ?? 0) === generation) {
          this.cache.set(connectionId, { value: acquired, expiresAtMs });
        }
        return acquired;
      })
      .finally(() => {
        if (this.inFlight.get(connectionId) === entry) this.inFlight.delete(connectionId);
      });
    const entry: InFlight = { minValidityMs, promise };
    this.inFlight.set(connectionId, entry);
    return promise;
  }

  private async fetchSession(
    connectionId: string,
    minValidityMs: number,
    timeoutMs: number,
  ): Promise<AcquiredSession> {
    await this.invalidations.get(connectionId)?.catch(() => undefined);
    const payload: AcquireRequest = {
      requester: this.service,
      publicKey: this.keyPair.publicKey,
      ...(minValidityMs > 0 ? { minValidityMs } : {}),
    };
    const reply = await this.request('acquire', connectionId, payload, timeoutMs, acquireReplySchema);
    if (!reply.ok) throw this.failure(SessionAcquireError, connectionId, 'acquire', reply.error);
    if (reply.connectionId !== connectionId) {
      throw new SessionAcquireError(
        'bad_reply',
        `acquire ${connectionId}: the reply is about connection ${reply.connectionId}`,
        false,
        connectionId,
      );
    }
    let session: CapturedSession;
    try {
      session = this.keyPair.open(reply.envelope, {
        connectionId,
        requester: this.service,
        sessionVersion: reply.sessionVersion,
      });
    } catch (cause) {
      if (!(cause instanceof SessionEnvelopeError)) throw cause;
      throw new SessionAcquireError(
        'envelope',
        `acquire ${connectionId}: ${cause.message}`,
        false,
        connectionId,
        {
          cause,
        },
      );
    }
    return {
      connectionId,
      sessionVersion: reply.sessionVersion,
      expiresAt: reply.expiresAt,
      user: reply.user,
      session,
    };
  }

  /** One request over Nest's NATS transport, bounded by `timeoutMs`, its reply validated by `schema`. */
  private async request<S extends z.ZodType>(
    op: SessionOperation,
    connectionId: string,
    payload: AcquireRequest | InvalidateRequest | StatusRequest,
    timeoutMs: number,
    schema: S,
  ): Promise<z.output<S>> {
    const ErrorClass = op === 'acquire' ? SessionAcquireError : SessionClientError;
    const subject = sessionRequest(connectionId, op, this.prefix);
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
            `(is it running with the same stream prefix, and may "${this.service}" publish to fsm.sessions.>?)`,
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

  private failure(
    ErrorClass: typeof SessionClientError,
    connectionId: string,
    op: SessionOperation,
    error: { code: SessionClientErrorCode; message: string; retriable: boolean },
  ): SessionClientError {
    return new ErrorClass(
      error.code,
      `${op} ${connectionId}: ${error.code}: ${error.message}`,
      error.retriable,
      connectionId,
    );
  }

  private checkConnectionId(connectionId: string, op: SessionOperation): void {
    if (typeof connectionId !== 'string' || !CONNECTION_ID_RE.test(connectionId)) {
      const ErrorClass = op === 'acquire' ? SessionAcquireError : SessionClientError;
      throw new ErrorClass(
        'bad_request',
        `${op}: connectionId must be a connection id (A-Z a-z 0-9 _ -, at most 128)`,
        false,
        String(connectionId).slice(0, 128),
      );
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`SessionClient: ${name} must be a positive integer (ms)`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`SessionClient: ${name} must be a non-negative integer (ms)`);
  }
  return value;
}
