import type { DB } from '@fieldsync/persistence';
import { Injectable, Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { ConnectionsRepository, type ConnectionRow } from '../connections/connections.repository';
import type { LoginOutcome } from './login.runner';
import { SessionEventsPublisher } from './session-events.publisher';
import type { ActiveSession, LoginPurpose } from './session.types';
import { SessionVault } from './session.vault';
import { SessionsRepository, type SessionRow } from './sessions.repository';
import { isUsableSession } from './usable-session.util';

/**
 * What a successful login leaves behind, in the login's transaction: the session sealed and stored (a
 * new version), the connection active again with its failure count and backoff cleared (and the TOTP
 * step it used), and `session.refreshed` when it replaced a live session, `session.established`
 * otherwise.
 */
@Injectable()
export class LoginSuccessRecorder {
  private readonly logger = new Logger(LoginSuccessRecorder.name);

  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
    private readonly events: SessionEventsPublisher,
  ) {}

  async record(
    trx: Transaction<DB>,
    connection: ConnectionRow,
    existing: SessionRow | undefined,
    purpose: LoginPurpose,
    outcome: LoginOutcome,
  ): Promise<ActiveSession> {
    const captured = outcome.session;
    // The flow computes the expiry from its session policy (SESSION_TIMEOUTS applied: authFlowsFor).
    const expiresAt = new Date(captured.expiresAt);
    const sealed = this.vault.sealSession(connection.id, captured);
    const row = await this.sessions.store(
      {
        connectionId: connection.id,
        tenantId: connection.tenant_id,
        stateEncrypted: sealed.state,
        deviceStateEncrypted: sealed.device,
        keyId: sealed.keyId,
        userInfo: { ...captured.user },
        establishedAt: new Date(captured.establishedAt),
        expiresAt,
      },
      trx,
    );
    const updated =
      (await this.connections.update(
        connection.id,
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
    const refreshed = purpose === 'refresh' && existing !== undefined && isUsableSession(existing, 0);
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
        connectionId: connection.id,
        tenantId: connection.tenant_id,
        vendor: connection.vendor,
        purpose,
        durationMs: outcome.durationMs,
      },
      refreshed ? 'session refreshed' : 'session established',
    );
    return { connection: updated, row, session: captured };
  }
}
