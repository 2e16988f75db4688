import { hostname } from 'node:os';
import { assertPrefix, type SessionOperation } from '@fieldsync/messaging';
import type { z } from 'zod';
import { SessionAcquireError, SessionClientError, type SessionClientErrorCode } from './session-client.error';
import type { AcquiredSession } from './session-client.types';
import { SessionKeyPair } from './session-envelope';
import { nonNegativeMs, positiveMs } from './ms-option.util';
import { openAcquireReply } from './open-acquire-reply.util';
import { SessionCache } from './session.cache';
import { SessionRequester } from './session.requester';
import {
  MAX_MIN_VALIDITY_MS,
  SERVICE_NAME_RE,
  CONNECTION_ID_RE,
  acquireReplySchema,
  invalidateReplySchema,
  statusReplySchema,
  type AcquireRequest,
  type InvalidateReason,
  type InvalidateRequest,
  type StatusOkReply,
  type StatusRequest,
} from './sessions.schema';

export type { AcquiredSession } from './session-client.types';

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

const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_CACHE_MARGIN_MS = 60_000;

/**
 * The extractor's and the writer's way to a vendor session: `fsm.sessions.<connection>.acquire |
 * invalidate | status` over Nest's NATS transport (SessionRequester; the same protocol as
 * `SessionsNatsServer`).
 *
 * - acquire: sends this process's X25519 public key, opens the sealed reply locally (openAcquireReply),
 *   caches the session per connection until `expiresAt - cacheMarginMs` (SessionCache); concurrent
 *   acquires of one connection share one request.
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
  private readonly requester: SessionRequester;
  private readonly timeoutMs: number;
  private readonly cacheMarginMs: number;
  private readonly now: () => number;
  private readonly cache: SessionCache;
  /** Invalidations on their way: an acquire waits for them, so it cannot overtake one. */
  private readonly invalidations = new Map<string, Promise<unknown>>();

  constructor(options: SessionClientOptions) {
    if (!SERVICE_NAME_RE.test(options.service)) {
      throw new TypeError(
        `SessionClient: service must be a service name (a-z, 0-9, -; starting with a letter), got ${JSON.stringify(options.service)}`,
      );
    }
    this.service = options.service;
    const prefix = assertPrefix(options.prefix ?? '');
    this.timeoutMs = positiveMs(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.cacheMarginMs = nonNegativeMs(options.cacheMarginMs, DEFAULT_CACHE_MARGIN_MS, 'cacheMarginMs');
    this.now = options.now ?? Date.now;
    this.cache = new SessionCache(this.now);
    this.requester = new SessionRequester({
      service: options.service,
      servers: options.servers,
      prefix,
      name: options.name ?? `${options.service}-sessions-${hostname()}`,
      connectTimeoutMs: options.connectTimeoutMs,
    });
  }

  /** Opens the NATS connection (otherwise the first request does). Rejects naming the servers, never a password. */
  async connect(): Promise<void> {
    await this.requester.connect();
  }

  /** Closes the connection for good; later requests fail with `transport` instead of reconnecting. */
  async close(): Promise<void> {
    await this.requester.close(() => this.cache.clear());
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
    const timeoutMs = positiveMs(options.timeoutMs, this.timeoutMs, 'timeoutMs');

    const cached = this.cache.fresh(connectionId, Math.max(this.cacheMarginMs, minValidityMs));
    if (cached) return cached;
    const running = this.cache.pending(connectionId);
    if (running) {
      const shared = await running.promise;
      if (Date.parse(shared.expiresAt) - this.now() >= minValidityMs) return shared;
      // It was asked with a shorter minValidityMs than ours: ask (or join someone who asked) again.
      const again = this.cache.pending(connectionId);
      if (again && again.minValidityMs >= minValidityMs) return again.promise;
    }
    return this.cache.track(connectionId, minValidityMs, () =>
      this.fetchSession(connectionId, minValidityMs, timeoutMs),
    );
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
    const cached = this.cache.peek(connectionId);
    const version = sessionVersion ?? cached?.sessionVersion;
    // A report about an older session than the one cached leaves the cache alone.
    if (!cached || version === undefined || cached.sessionVersion <= version) this.cache.forget(connectionId);
    const payload: InvalidateRequest = {
      requester: this.service,
      reason,
      ...(version === undefined ? {} : { sessionVersion: version }),
    };
    const pending = this.requester.request(
      'invalidate',
      connectionId,
      payload,
      this.timeoutMs,
      invalidateReplySchema,
    );
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
    const reply = await this.requester.request(
      'status',
      connectionId,
      payload,
      this.timeoutMs,
      statusReplySchema,
    );
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

  /** Asks the session manager for a session sealed for this process (after any invalidation on its way). */
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
    const reply = await this.requester.request(
      'acquire',
      connectionId,
      payload,
      timeoutMs,
      acquireReplySchema,
    );
    if (!reply.ok) throw this.failure(SessionAcquireError, connectionId, 'acquire', reply.error);
    return openAcquireReply(this.keyPair, reply, connectionId, this.service);
  }

  /** The session manager's error reply, as the caller's error. */
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
