import type { CapturedSession } from '@fieldsync/connector-kit';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsRepository, type ConnectionRow } from '../connections/connections.repository';
import { LoginCoordinator, type LockedLoginOptions } from './login.coordinator';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionInvalidationWriter } from './session-invalidation.writer';
import { SessionReleaser } from './session.releaser';
import { SessionProber } from './session.prober';
import type { AcquireOptions, ActiveSession, LoginPurpose, ProbeResult } from './session.types';
import { SessionVault } from './session.vault';
import { SessionsRepository, type SessionRow } from './sessions.repository';
import { SingleFlight } from './single-flight.util';
import { existingConnection, usableConnection } from './usable-connection.util';
import { isUsableSession } from './usable-session.util';

export type { AcquireOptions, ActiveSession } from './session.types';

const DEFAULT_MIN_VALIDITY_MS = 60_000;

/**
 * Keeps one vendor session per connection: returns the stored one while it is good, verifies it when
 * it has not been checked for a while (SessionProber), and logs in when there is none. Logins are
 * single-flight: in this process one promise per connection, across replicas a Postgres advisory lock
 * held for the login (LoginCoordinator; the second replica then finds the session the first one
 * stored). A wrong password stops the connection, transient failures back off (LoginFailureRecorder).
 * Every state change appends its event in the same transaction.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly logins = new SingleFlight<ActiveSession>();
  private stopped = false;

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
    private readonly coordinator: LoginCoordinator,
    private readonly prober: SessionProber,
    private readonly invalidation: SessionInvalidationWriter,
    private readonly releaser: SessionReleaser,
  ) {}

  async acquire(connectionId: string, options: AcquireOptions = {}): Promise<ActiveSession> {
    const minValidityMs = options.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
    const connection = usableConnection(await this.connections.findById(connectionId), connectionId);
    const row = await this.sessions.find(connectionId);
    // A usable session is returned as it is, even when the caller brought an MFA code: the code is for
    // a login, and none is needed.
    if (row && isUsableSession(row, minValidityMs)) {
      const verified = await this.verifyIfStale(connection, row);
      if (verified) return verified;
    }
    return this.login(connectionId, 'acquire', { ...options, minValidityMs });
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
    const connection = existingConnection(await this.connections.findById(connectionId), connectionId);
    const dropped = await this.invalidation.drop(connection, {
      health: reason === 'manual' ? 'invalid' : 'expired',
      reason,
      version: sessionVersion,
      eventReason: reason === 'manual' ? 'revoked' : 'expired',
    });
    if (dropped) {
      this.logger.log({ connectionId, reason, sessionVersion }, 'session invalidated');
      if (this.config.SESSION_AUTO_LOGIN && reason !== 'manual') this.reloginInBackground(connectionId);
    }
    return dropped;
  }

  async status(connectionId: string): Promise<{ connection: ConnectionRow; row: SessionRow | undefined }> {
    const connection = existingConnection(await this.connections.findById(connectionId), connectionId);
    return { connection, row: await this.sessions.find(connectionId) };
  }

  /** Proactive refresh before the absolute expiry: a new login replaces the session (version given). */
  async refresh(connectionId: string, version: number): Promise<ActiveSession> {
    return this.login(connectionId, 'refresh', {
      minValidityMs: DEFAULT_MIN_VALIDITY_MS,
      expectedVersion: version,
    });
  }

  /**
   * The keep-alive and health check: one cheap authenticated call with the stored session. Expired →
   * `session.expired`, and a new login when auto-login is on.
   */
  async check(connectionId: string): Promise<ProbeResult | 'none'> {
    const connection = await this.connections.findById(connectionId);
    const row = await this.sessions.find(connectionId);
    if (!connection || !row || !['healthy', 'degraded'].includes(row.health)) return 'none';
    const result = await this.prober.probe(connection, row);
    if (result === 'expired' && this.config.SESSION_AUTO_LOGIN) this.reloginInBackground(connectionId);
    return result;
  }

  /** Opens a stored session (for the NATS and HTTP interfaces, which re-seal or sign it). */
  open(row: SessionRow): CapturedSession {
    return this.vault.openSession(row);
  }

  /**
   * The shutdown has begun: no new login from now on (a session signed in now would outlive the process
   * and hold a vendor seat nobody releases). Resolves when the logins already running have settled.
   */
  async stopLogins(): Promise<void> {
    this.stopped = true;
    await this.logins.settled();
  }

  /**
   * One login per connection in this process: callers that come while it runs share its result. A
   * `login-first` replacement logs the old session out once the new one is committed.
   */
  private login(
    connectionId: string,
    purpose: LoginPurpose,
    options: LockedLoginOptions,
  ): Promise<ActiveSession> {
    if (this.stopped) {
      return Promise.reject(
        new SessionError(
          SessionErrorCode.VendorUnavailable,
          `connection ${connectionId}: the session manager is shutting down; ask again shortly`,
          true,
        ),
      );
    }
    return this.logins.run(connectionId, async () => {
      const outcome = await this.coordinator.login(connectionId, purpose, options);
      if (!outcome.ok) throw outcome.error;
      if (outcome.replaced) {
        await this.releaser.release(
          outcome.active.connection,
          outcome.replaced,
          purpose === 'refresh' ? 'refresh' : 'relogin',
        );
      }
      return outcome.active;
    });
  }

  /** A session not checked for SESSION_VERIFY_AFTER is probed first; undefined when the vendor ended it. */
  private async verifyIfStale(
    connection: ConnectionRow,
    row: SessionRow,
  ): Promise<ActiveSession | undefined> {
    const checkedAt = row.last_checked_at?.getTime() ?? 0;
    if (Date.now() - checkedAt >= this.config.SESSION_VERIFY_AFTER) {
      const result = await this.prober.probe(connection, row);
      if (result === 'expired') return undefined;
    }
    return { connection, row, session: this.vault.openSession(row) };
  }

  private reloginInBackground(connectionId: string): void {
    this.acquire(connectionId).catch((error: unknown) =>
      this.logger.warn({ connectionId, err: error }, 'background login failed'),
    );
  }
}
