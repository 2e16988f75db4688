import { AuthFlowError, type AuthFailureReason, type CapturedSession } from '@fieldsync/connector-kit';
import { DATABASE, type DB } from '@fieldsync/persistence';
import { backoffDelayMs } from '@fieldsync/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { ulid } from 'ulid';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsRepository, type ConnectionRow } from '../connections/connections.repository';
import { maskDestination } from '../mfa/mask-destination.util';
import { LoginRunner } from './login.runner';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionMetrics } from './session.metrics';
import { SessionVault } from './session.vault';
import { SessionsRepository, type SessionRow } from './sessions.repository';

/** A usable session with what callers need to know about it. */
export interface ActiveSession {
  readonly connection: ConnectionRow;
  readonly row: SessionRow;
  readonly session: CapturedSession;
}

export interface AcquireOptions {
  /** The session must stay valid at least this long (default 60 s). */
  minValidityMs?: number;
  /** An MFA code the integrator supplied (`POST /sessions`). */
  codeOverride?: string;
}

type LoginPurpose = 'acquire' | 'refresh';
type LockedOutcome = { ok: true; active: ActiveSession } | { ok: false; error: SessionError };

const DEFAULT_MIN_VALIDITY_MS = 60_000;

/**
 * Keeps one vendor session per connection: returns the stored one while it is good, verifies it when
 * it has not been checked for a while, and logs in when there is none. Logins are single-flight: in
 * this process one promise per connection, across replicas a Postgres advisory lock held for the
 * login (the second replica then finds the session the first one stored). The failure policy lives
 * here: a wrong password stops the connection (`needs_attention`), transient failures back off with
 * jitter through `next_login_at`. Every state change appends its event in the same transaction.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly inflight = new Map<string, Promise<ActiveSession>>();

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
    private readonly runner: LoginRunner,
    private readonly events: SessionEventsPublisher,
    private readonly metrics: SessionMetrics,
  ) {}

  async acquire(connectionId: string, options: AcquireOptions = {}): Promise<ActiveSession> {
    const minValidityMs = options.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
    const connection = this.usableConnection(await this.connections.findById(connectionId), connectionId);
    const row = await this.sessions.find(connectionId);
    // A usable session is returned as it is, even when the caller brought an MFA code: the code is for
    // a login, and none is needed.
    if (row && this.usable(row, minValidityMs)) {
      const verified = await this.verifyIfStale(connection, row);
      if (verified) return verified;
    }
    return this.singleFlight(connectionId, () =>
      this.loginLocked(connectionId, 'acquire', { ...options, minValidityMs }),
    );
  }

  /**
   * A consumer saw the vendor refuse the session (401) or an operator revoked it. With a version, only
   * that session is dropped (a late report about a replaced session changes nothing).
   */
  async invalidate(
    connectionId: string,
    reason: 'unauthorized' | 'forbidden' | 'manual',
    sessionVersion?: number,
  ): Promise<boolean> {
    const connection = await this.connections.findById(connectionId);
    if (!connection)
      throw new SessionError(SessionErrorCode.ConnectionNotFound, `no connection ${connectionId}`, false);
    const dropped = await this.db.transaction().execute(async (trx) => {
      const row = await this.sessions.invalidate(
        connectionId,
        reason === 'manual' ? 'invalid' : 'expired',
        reason,
        sessionVersion,
        trx,
      );
      if (row) {
        await this.events.append(trx, connection, 'session.expired', {
          reason: reason === 'manual' ? 'revoked' : 'expired',
          expiredAt: new Date().toISOString(),
        });
      }
      return row !== undefined;
    });
    if (dropped) {
      this.logger.log({ connectionId, reason, sessionVersion }, 'session invalidated');
      if (this.config.SESSION_AUTO_LOGIN && reason !== 'manual') this.reloginInBackground(connectionId);
    }
    return dropped;
  }

  async status(connectionId: string): Promise<{ connection: ConnectionRow; row: SessionRow | undefined }> {
    const connection = await this.connections.findById(connectionId);
    if (!connection)
      throw new SessionError(SessionErrorCode.ConnectionNotFound, `no connection ${connectionId}`, false);
    return { connection, row: await this.sessions.find(connectionId) };
  }

  /** Proactive refresh before the absolute expiry: a new login replaces the session (version given). */
  async refresh(connectionId: string, version: number): Promise<ActiveSession> {
    return this.singleFlight(connectionId, () =>
      this.loginLocked(connectionId, 'refresh', {
        minValidityMs: DEFAULT_MIN_VALIDITY_MS,
        expectedVersion: version,
      }),
    );
  }

  /**
   * The keep-alive and health check: one cheap authenticated call with the stored session. Expired →
   * `session.expired`, and a new login when auto-login is on.
   */
  async check(connectionId: string): Promise<'valid' | 'expired' | 'unknown' | 'none'> {
    const connection = await this.connections.findById(connectionId);
    const row = await this.sessions.find(connectionId);
    if (!connection || !row || !['healthy', 'degraded'].includes(row.health)) return 'none';
    const result = await this.probe(connection, row);
    if (result === 'expired' && this.config.SESSION_AUTO_LOGIN) this.reloginInBackground(connectionId);
    return result;
  }

  /** Opens a stored session (for the NATS and HTTP interfaces, which re-seal or sign it). */
  open(row: SessionRow): CapturedSession {
    return this.vault.openSession(row);
  }

  private reloginInBackground(connectionId: string): void {
    this.acquire(connectionId).catch((error: unknown) =>
      this.logger.warn({ connectionId, err: error }, 'background login failed'),
    );
  }

  private async verifyIfStale(
    connection: ConnectionRow,
    row: SessionRow,
  ): Promise<ActiveSession | undefined> {
    const checkedAt = row.last_checked_at?.getTime() ?? 0;
    if (Date.now() - checkedAt >= this.config.SESSION_VERIFY_AFTER) {
      const result = await this.probe(connection, row);
      if (result === 'expired') return undefined;
    }
    return { connection, row, session: this.vault.openSession(row) };
  }

  private async probe(connection: ConnectionRow, row: SessionRow): Promise<'valid' | 'expired' | 'unknown'> {
    const flow = this.runner.flowOf(connection.vendor);
    const result = await flow.check(this.vault.openSession(row), AbortSignal.timeout(15_000));
    if (result.valid === true) {
      this.metrics.checks.inc({ vendor: connection.vendor, result: 'valid' });
      await this.sessions.recordCheck(connection.id, row.version, 'healthy');
      return 'valid';
    }
    if (result.valid === 'unknown') {
      this.metrics.checks.inc({ vendor: connection.vendor, result: 'unknown' });
      await this.sessions.recordCheck(connection.id, row.version, 'degraded');
      return 'unknown';
    }
    this.metrics.checks.inc({ vendor: connection.vendor, result: 'expired' });
    await this.db.transaction().execute(async (trx) => {
      const dropped = await this.sessions.invalidate(
        connection.id,
        'expired',
        'vendor_ended_session',
        row.version,
        trx,
      );
      if (dropped) {
        await this.events.append(trx, connection, 'session.expired', {
          reason: 'expired',
          expiredAt: new Date().toISOString(),
        });
      }
    });
    this.logger.log({ connectionId: connection.id, vendor: connection.vendor }, 'vendor ended the session');
    return 'expired';
  }

  private singleFlight(connectionId: string, login: () => Promise<LockedOutcome>): Promise<ActiveSession> {
    const running = this.inflight.get(connectionId);
    if (running) return running;
    const promise = login()
      .then((outcome) => {
        if (!outcome.ok) throw outcome.error;
        return outcome.active;
      })
      .finally(() => this.inflight.delete(connectionId));
    this.inflight.set(connectionId, promise);
    return promise;
  }

  private usableConnection(connection: ConnectionRow | undefined, connectionId: string): ConnectionRow {
    if (!connection)
      throw new SessionError(SessionErrorCode.ConnectionNotFound, `no connection ${connectionId}`, false);
    if (connection.status === 'disabled') {
      throw new SessionError(
        SessionErrorCode.ConnectionDisabled,
        `connection ${connectionId} is disabled`,
        false,
      );
    }
    if (connection.status === 'needs_attention') {
      throw new SessionError(
        SessionErrorCode.NeedsAttention,
        `connection ${connectionId} needs attention (${connection.status_reason ?? 'login failed'}); update its credentials to resume`,
        false,
      );
    }
    return connection;
  }

  private usable(row: SessionRow, minValidityMs: number): boolean {
    return (
      (row.health === 'healthy' || row.health === 'degraded') &&
      row.expires_at !== null &&
      row.expires_at.getTime() - Date.now() >= minValidityMs
    );
  }

  /** The login under the connection's advisory lock; failures are recorded, then returned. */
  private async loginLocked(
    connectionId: string,
    purpose: LoginPurpose,
    options: AcquireOptions & { minValidityMs: number; expectedVersion?: number },
  ): Promise<LockedOutcome> {
    return this.db.transaction().execute(async (trx): Promise<LockedOutcome> => {
      await this.sessions.lockConnection(trx, connectionId);
      const found = await this.connections.findById(connectionId, trx);
      let connection: ConnectionRow;
      try {
        connection = this.usableConnection(found, connectionId);
      } catch (error) {
        return { ok: false, error: error as SessionError };
      }
      const existing = await this.sessions.find(connectionId, trx);
      // Another caller (this replica or another) logged in while we waited for the lock.
      if (existing && this.usable(existing, options.minValidityMs)) {
        const replaced = purpose === 'refresh' && existing.version !== options.expectedVersion;
        if (purpose === 'acquire' || replaced) {
          return {
            ok: true,
            active: { connection, row: existing, session: this.vault.openSession(existing) },
          };
        }
      }
      const now = Date.now();
      if (
        connection.next_login_at &&
        connection.next_login_at.getTime() > now &&
        options.codeOverride === undefined
      ) {
        return {
          ok: false,
          error: new SessionError(
            SessionErrorCode.LoginFailed,
            `connection ${connectionId}: the last login failed; next attempt after ${connection.next_login_at.toISOString()}`,
            true,
            connection.next_login_at,
          ),
        };
      }

      const timer = this.metrics.loginDuration.startTimer({ vendor: connection.vendor });
      let outcome;
      try {
        outcome = await this.runner.login(connection, {
          deviceCookies: this.vault.deviceCookies(existing),
          lastTotpStep: connection.totp_last_step === null ? null : Number(connection.totp_last_step),
          ...(options.codeOverride === undefined ? {} : { codeOverride: options.codeOverride }),
          onMfaRequired: (method) => this.mfaRequired(connection, method),
        });
      } catch (error) {
        const failure =
          error instanceof AuthFlowError
            ? error
            : new AuthFlowError(
                'unknown',
                `login crashed: ${error instanceof Error ? error.name : 'error'}`,
                { cause: error },
              );
        timer({ outcome: failure.reason });
        this.metrics.logins.inc({ vendor: connection.vendor, outcome: failure.reason });
        if (purpose === 'refresh')
          this.metrics.refreshFailures.inc({ vendor: connection.vendor, reason: failure.reason });
        return { ok: false, error: await this.recordFailure(trx, connection, failure) };
      }
      timer({ outcome: 'succeeded' });
      this.metrics.logins.inc({ vendor: connection.vendor, outcome: 'succeeded' });

      const captured = outcome.session;
      // The flow computes the expiry from its session policy (SESSION_TIMEOUTS applied: authFlowsFor).
      const establishedAt = new Date(captured.establishedAt);
      const expiresAt = new Date(captured.expiresAt);
      const sealed = this.vault.sealSession(connectionId, captured);
      const row = await this.sessions.store(
        {
          connectionId,
          tenantId: connection.tenant_id,
          stateEncrypted: sealed.state,
          deviceStateEncrypted: sealed.device,
          keyId: sealed.keyId,
          userInfo: { ...captured.user },
          establishedAt,
          expiresAt,
        },
        trx,
      );
      const updated =
        (await this.connections.update(
          connectionId,
          {
            status: 'active',
            status_reason: null,
            last_login_at: new Date(),
            consecutive_failures: 0,
            next_login_at: null,
            ...(outcome.totpStep === null ? {} : { totp_last_step: String(outcome.totpStep) }),
          },
          trx,
        )) ?? connection;
      const refreshed = purpose === 'refresh' && existing !== undefined && this.usable(existing, 0);
      if (refreshed) {
        await this.events.append(trx, connection, 'session.refreshed', {
          expiresAt: expiresAt.toISOString(),
        });
      } else {
        await this.events.append(trx, connection, 'session.established', {
          loginMethod: connection.sso ? 'sso' : 'password',
          mfaMethod:
            connection.mfa_method === 'none' ? null : (connection.mfa_method as 'totp' | 'sms' | 'email'),
          expiresAt: expiresAt.toISOString(),
        });
      }
      this.logger.log(
        {
          connectionId,
          tenantId: connection.tenant_id,
          vendor: connection.vendor,
          purpose,
          durationMs: outcome.durationMs,
        },
        refreshed ? 'session refreshed' : 'session established',
      );
      return { ok: true, active: { connection: updated, row, session: captured } };
    });
  }

  private async recordFailure(
    trx: Transaction<DB>,
    connection: ConnectionRow,
    failure: AuthFlowError,
  ): Promise<SessionError> {
    const attempt = connection.consecutive_failures + 1;
    const nextAttemptAt = failure.retriable
      ? new Date(
          Date.now() + backoffDelayMs(attempt, this.config.SESSION_RETRY_BASE, this.config.SESSION_RETRY_MAX),
        )
      : null;
    await this.connections.update(
      connection.id,
      failure.retriable
        ? { consecutive_failures: attempt, next_login_at: nextAttemptAt }
        : {
            status: 'needs_attention',
            status_reason: failure.reason,
            consecutive_failures: attempt,
            next_login_at: null,
          },
      trx,
    );
    await this.events.append(trx, connection, 'connection.auth_failed', {
      reason: failure.reason === 'vendor_unavailable' ? 'unknown' : failure.reason,
      retriable: failure.retriable,
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
      message: failure.message.slice(0, 1000),
    });
    this.logger.warn(
      {
        connectionId: connection.id,
        tenantId: connection.tenant_id,
        vendor: connection.vendor,
        reason: failure.reason,
        retriable: failure.retriable,
        nextAttemptAt,
      },
      failure.retriable ? 'login failed; backing off' : 'login failed; connection needs attention',
    );
    return new SessionError(
      codeOf(failure.reason),
      failure.message,
      failure.retriable,
      nextAttemptAt ?? undefined,
      {
        cause: failure,
      },
    );
  }

  private mfaRequired(connection: ConnectionRow, method: 'totp' | 'sms' | 'email'): void {
    void this.events
      .appendNow(connection, 'connection.mfa_required', {
        method,
        challengeId: `mfa_${ulid()}`,
        destinationHint:
          method === 'totp' || connection.mfa_destination === null
            ? null
            : maskDestination(method, connection.mfa_destination),
        expiresAt: new Date(Date.now() + this.config.SESSION_MFA_TIMEOUT).toISOString(),
      })
      .catch((error: unknown) =>
        this.logger.warn(
          { connectionId: connection.id, err: error },
          'could not record connection.mfa_required',
        ),
      );
  }
}

function codeOf(reason: AuthFailureReason): SessionErrorCode {
  switch (reason) {
    case 'mfa_timeout':
      return SessionErrorCode.MfaTimeout;
    case 'vendor_unavailable':
    case 'unknown':
      return SessionErrorCode.VendorUnavailable;
    default:
      return SessionErrorCode.NeedsAttention;
  }
}
