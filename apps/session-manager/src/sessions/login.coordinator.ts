import { AuthFlowError } from '@fieldsync/connector-kit';
import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { ConnectionsRepository, type ConnectionRow } from '../connections/connections.repository';
import { LoginFailureRecorder } from './login-failure.recorder';
import { LoginSuccessRecorder } from './login-success.recorder';
import { LoginRunner, type LoginOutcome } from './login.runner';
import { MfaRequiredNotifier } from './mfa-required.notifier';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionReleaser } from './session.releaser';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionMetrics } from './session.metrics';
import type { AcquireOptions, LockedOutcome, LoginPurpose } from './session.types';
import { SessionVault } from './session.vault';
import { SessionsRepository, type SessionRow } from './sessions.repository';
import { usableConnection } from './usable-connection.util';
import { isUsableSession } from './usable-session.util';

export type LockedLoginOptions = AcquireOptions & { minValidityMs: number; expectedVersion?: number };

/**
 * A login across replicas, one at a time per connection: under the connection's Postgres advisory lock
 * (held by the transaction) it looks again at the connection and its session — another caller may have
 * logged in while this one waited — honours the backoff of the last failure (an integrator's code skips
 * it), runs the vendor login, and records its outcome in the same transaction. Failures are recorded,
 * then returned as values. A stored session the vendor may still count is logged out in the order the
 * flow declares (session-replacement.util): before the sign-in for `release-first` (TOM's licensed seats;
 * a logout that fails keeps the old session instead of refreshing), after the commit for `login-first`
 * (returned as `replaced`, SessionService logs it out).
 */
@Injectable()
export class LoginCoordinator {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
    private readonly runner: LoginRunner,
    private readonly succeeded: LoginSuccessRecorder,
    private readonly failed: LoginFailureRecorder,
    private readonly mfa: MfaRequiredNotifier,
    private readonly metrics: SessionMetrics,
    private readonly releaser: SessionReleaser,
    private readonly events: SessionEventsPublisher,
  ) {}

  async login(
    connectionId: string,
    purpose: LoginPurpose,
    options: LockedLoginOptions,
  ): Promise<LockedOutcome> {
    return this.db.transaction().execute(async (trx): Promise<LockedOutcome> => {
      await this.sessions.lockConnection(trx, connectionId);
      const found = await this.connections.findById(connectionId, trx);
      let connection: ConnectionRow;
      try {
        connection = usableConnection(found, connectionId);
      } catch (error) {
        return { ok: false, error: error as SessionError };
      }
      const existing = await this.sessions.find(connectionId, trx);
      if (existing && this.loggedInMeanwhile(existing, purpose, options)) {
        return {
          ok: true,
          active: { connection, row: existing, session: this.vault.openSession(existing) },
        };
      }
      const backingOff = backoffRefusal(connection, options);
      if (backingOff) return { ok: false, error: backingOff };
      return this.loginNow(trx, connection, existing, purpose, options);
    });
  }

  /**
   * Another caller (this replica or another) logged in while we waited for the lock: an acquire takes
   * its session; a refresh does only when the session it meant to replace is no longer the current one.
   */
  private loggedInMeanwhile(
    existing: SessionRow,
    purpose: LoginPurpose,
    options: LockedLoginOptions,
  ): boolean {
    if (!isUsableSession(existing, options.minValidityMs)) return false;
    return purpose === 'acquire' || existing.version !== options.expectedVersion;
  }

  private async loginNow(
    trx: Transaction<DB>,
    connection: ConnectionRow,
    existing: SessionRow | undefined,
    purpose: LoginPurpose,
    options: LockedLoginOptions,
  ): Promise<LockedOutcome> {
    const plan = this.releaser.plan(connection.vendor, existing);
    // Usable until now and logged out for this login: if the login then fails, the connection has lost it.
    let releasedLive = false;
    if (plan.releaseBefore && existing) {
      const released = await this.releaser.release(
        connection,
        existing,
        purpose === 'refresh' ? 'refresh' : 'relogin',
      );
      if (!released.released && purpose === 'refresh' && isUsableSession(existing, options.minValidityMs)) {
        // The vendor may still count the old session: signing in now could hold two, or meet the licence
        // error. Keep the old one (it is still valid); the next refresh tick tries again.
        this.metrics.refreshFailures.inc({ vendor: connection.vendor, reason: 'logout_failed' });
        return {
          ok: true,
          active: { connection, row: existing, session: this.vault.openSession(existing) },
        };
      }
      if (released.released) {
        releasedLive = isUsableSession(existing, 0);
        await this.sessions.markReleased(connection.id, existing.version, trx);
      }
    }
    const timer = this.metrics.loginDuration.startTimer({ vendor: connection.vendor });
    let outcome: LoginOutcome;
    try {
      outcome = await this.runner.login(connection, {
        deviceCookies: this.vault.deviceCookies(existing),
        lastTotpStep: connection.totp_last_step === null ? null : Number(connection.totp_last_step),
        ...(options.codeOverride === undefined ? {} : { codeOverride: options.codeOverride }),
        onMfaRequired: (method) => this.mfa.notify(connection, method),
      });
    } catch (error) {
      const failure = asAuthFlowError(error);
      timer({ outcome: failure.reason });
      this.metrics.logins.inc({ vendor: connection.vendor, outcome: failure.reason });
      if (purpose === 'refresh')
        this.metrics.refreshFailures.inc({ vendor: connection.vendor, reason: failure.reason });
      if (releasedLive) {
        await this.events.append(trx, connection, 'session.expired', {
          reason: 'revoked',
          expiredAt: new Date().toISOString(),
        });
      }
      return { ok: false, error: await this.failed.record(trx, connection, failure) };
    }
    timer({ outcome: 'succeeded' });
    this.metrics.logins.inc({ vendor: connection.vendor, outcome: 'succeeded' });
    const active = await this.succeeded.record(trx, connection, existing, purpose, outcome);
    return plan.releaseAfter && existing ? { ok: true, active, replaced: existing } : { ok: true, active };
  }
}

/** The last login failed and its backoff has not passed: no new attempt yet, unless a code came with this one. */
function backoffRefusal(connection: ConnectionRow, options: LockedLoginOptions): SessionError | undefined {
  const nextLoginAt = connection.next_login_at;
  if (!nextLoginAt || nextLoginAt.getTime() <= Date.now() || options.codeOverride !== undefined)
    return undefined;
  return new SessionError(
    SessionErrorCode.LoginFailed,
    `connection ${connection.id}: the last login failed; next attempt after ${nextLoginAt.toISOString()}`,
    true,
    nextLoginAt,
  );
}

function asAuthFlowError(error: unknown): AuthFlowError {
  if (error instanceof AuthFlowError) return error;
  return new AuthFlowError('unknown', `login crashed: ${error instanceof Error ? error.name : 'error'}`, {
    cause: error,
  });
}
