import type { AuthFailureReason, AuthFlowError } from '@fieldsync/connector-kit';
import type { DB } from '@fieldsync/persistence';
import { backoffDelayMs } from '@fieldsync/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsRepository, type ConnectionRow } from '../connections/connections.repository';
import { SessionError, SessionErrorCode } from './session.error';
import { SessionEventsPublisher } from './session-events.publisher';

/**
 * The failure policy of a login, in the login's transaction: a transient failure backs off with jitter
 * (`next_login_at`, SESSION_RETRY_BASE doubling up to SESSION_RETRY_MAX); anything else — a wrong
 * password, a refused code — stops the connection (`needs_attention`) until its credentials change.
 * Either way `connection.auth_failed` is announced and the caller gets a SessionError saying which.
 */
@Injectable()
export class LoginFailureRecorder {
  private readonly logger = new Logger(LoginFailureRecorder.name);

  constructor(
    @Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig,
    private readonly connections: ConnectionsRepository,
    private readonly events: SessionEventsPublisher,
  ) {}

  async record(
    trx: Transaction<DB>,
    connection: ConnectionRow,
    failure: AuthFlowError,
  ): Promise<SessionError> {
    const attempt = connection.consecutive_failures + 1;
    const nextAttemptAt = failure.retriable ? this.nextAttemptAt(attempt) : null;
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

  private nextAttemptAt(attempt: number): Date {
    return new Date(
      Date.now() + backoffDelayMs(attempt, this.config.SESSION_RETRY_BASE, this.config.SESSION_RETRY_MAX),
    );
  }
}

function codeOf(reason: AuthFailureReason): SessionErrorCode {
  switch (reason) {
    case 'mfa_timeout':
      return SessionErrorCode.MfaTimeout;
    case 'vendor_unavailable':
    case 'license_limit':
    case 'unknown':
      return SessionErrorCode.VendorUnavailable;
    default:
      return SessionErrorCode.NeedsAttention;
  }
}
