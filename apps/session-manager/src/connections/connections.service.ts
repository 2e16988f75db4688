import type { AuthFlow } from '@fieldsync/connector-kit';
import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { ulid } from 'ulid';
import { AUTH_FLOWS } from '../sessions/session.constants';
import { SessionEventsPublisher } from '../sessions/session-events.publisher';
import { SessionReleaser, type ReleaseReason } from '../sessions/session.releaser';
import { mayHoldAtVendor } from '../sessions/session-replacement.util';
import { sessionStatusView } from '../sessions/session-status.view';
import { SessionVault } from '../sessions/session.vault';
import { SessionsRepository, type SessionRow } from '../sessions/sessions.repository';
import { VaultContexts } from '../vault/vault.providers';
import { ConnectionError, ConnectionErrorCode } from './connection.error';
import type { CreateConnectionInput, MfaInput, UpdateConnectionInput } from './connection.schemas';
import { ConnectionsRepository, type ConnectionRow } from './connections.repository';

/** A connection as the admin API shows it: never a password, TOTP secret or session secret. */
export interface ConnectionView {
  id: string;
  tenantId: string;
  vendor: string;
  label: string | null;
  portalUrl: string;
  username: string;
  mfa: { method: string; destination: string | null };
  sso: { username: string } | null;
  status: string;
  statusReason: string | null;
  consecutiveFailures: number;
  nextLoginAt: string | null;
  lastLoginAt: string | null;
  session: ReturnType<typeof sessionStatusView>;
  createdAt: string;
  updatedAt: string;
}

function mfaColumns(mfa: MfaInput): { mfa_method: string; mfa_destination: string | null } {
  switch (mfa.method) {
    case 'sms':
      return { mfa_method: 'sms', mfa_destination: mfa.phone };
    case 'email':
      return { mfa_method: 'email', mfa_destination: mfa.email.toLowerCase() };
    default:
      return { mfa_method: mfa.method, mfa_destination: null };
  }
}

/**
 * The connection registry behind the admin API: secrets sealed with the vault on the way in, never
 * returned; a change of credentials or a disable drops the stored session (`session.expired`,
 * reason `revoked`) and puts the connection back in line for a login.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    @Inject(AUTH_FLOWS) private readonly flows: ReadonlyMap<string, AuthFlow>,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
    private readonly events: SessionEventsPublisher,
    private readonly releaser: SessionReleaser,
  ) {}

  supportedVendors(): string[] {
    return [...this.flows.keys()];
  }

  async upsertTenant(
    tenantId: string,
    name: string,
  ): Promise<{ id: string; name: string; created: boolean }> {
    return this.connections.upsertTenant(tenantId, name);
  }

  async create(input: CreateConnectionInput): Promise<ConnectionView> {
    if (!this.flows.has(input.vendor)) {
      throw new ConnectionError(
        ConnectionErrorCode.VendorNotSupported,
        `vendor ${input.vendor} has no auth flow yet (supported: ${this.supportedVendors().join(', ')})`,
      );
    }
    if (!(await this.connections.tenantExists(input.tenantId))) {
      throw new ConnectionError(
        ConnectionErrorCode.TenantNotFound,
        `no tenant ${input.tenantId} (PUT /tenants/${input.tenantId} first)`,
      );
    }
    const id = `con_${ulid().toLowerCase()}`;
    let row: ConnectionRow;
    try {
      row = await this.connections.insert({
        id,
        tenant_id: input.tenantId,
        vendor: input.vendor,
        label: input.label ?? null,
        portal_url: input.portalUrl,
        username: input.username,
        key_id: this.vault.currentKeyId,
        password_encrypted: this.vault.sealSecret(input.password, VaultContexts.password(id)),
        mfa_secret_encrypted:
          input.mfa.method === 'totp'
            ? this.vault.sealSecret(input.mfa.secret, VaultContexts.mfaSecret(id))
            : null,
        ...mfaColumns(input.mfa),
        sso: input.sso !== undefined,
        sso_username: input.sso?.username ?? null,
        status: 'pending',
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConnectionError(
          ConnectionErrorCode.Duplicate,
          `tenant ${input.tenantId} already has a ${input.vendor} connection for this portal and username`,
        );
      }
      throw error;
    }
    await this.connections.audit({
      tenantId: row.tenant_id,
      action: 'connection.created',
      targetId: id,
      details: { vendor: row.vendor },
    });
    this.logger.log({ connectionId: id, tenantId: row.tenant_id, vendor: row.vendor }, 'connection created');
    return this.view(row);
  }

  async list(filter: { tenantId?: string; vendor?: string; status?: string }): Promise<ConnectionView[]> {
    const rows = await this.connections.list(filter);
    // One query for every listed connection's session, not one per row.
    const sessions = await this.sessions.findMany(rows.map((row) => row.id));
    return rows.map((row) => viewOf(row, sessions.get(row.id)));
  }

  async get(connectionId: string): Promise<ConnectionView> {
    return this.view(await this.found(connectionId));
  }

  async update(connectionId: string, input: UpdateConnectionInput): Promise<ConnectionView> {
    const current = await this.found(connectionId);
    const credentialsChanged =
      input.username !== undefined ||
      input.password !== undefined ||
      input.mfa !== undefined ||
      input.sso !== undefined ||
      input.portalUrl !== undefined;
    // Re-seal the secret that stays under the current key when the row is still on an older key:
    // one key id covers both columns.
    const resealed = this.vault.resealConnection(current);
    const patch = {
      ...(input.label === undefined ? {} : { label: input.label }),
      ...(input.portalUrl === undefined ? {} : { portal_url: input.portalUrl }),
      ...(input.username === undefined ? {} : { username: input.username }),
      ...(resealed
        ? {
            key_id: resealed.keyId,
            password_encrypted: resealed.password,
            mfa_secret_encrypted: resealed.mfaSecret,
          }
        : {}),
      ...(input.password === undefined
        ? {}
        : {
            key_id: this.vault.currentKeyId,
            password_encrypted: this.vault.sealSecret(input.password, VaultContexts.password(connectionId)),
          }),
      ...(input.mfa === undefined
        ? {}
        : {
            ...mfaColumns(input.mfa),
            key_id: this.vault.currentKeyId,
            totp_last_step: null,
            mfa_secret_encrypted:
              input.mfa.method === 'totp'
                ? this.vault.sealSecret(input.mfa.secret, VaultContexts.mfaSecret(connectionId))
                : null,
          }),
      ...(input.sso === undefined
        ? {}
        : { sso: input.sso !== null, sso_username: input.sso?.username ?? null }),
      // New credentials: a person has acted, so the connection leaves needs_attention and may log in now.
      ...(credentialsChanged && current.status !== 'disabled'
        ? { status: 'pending', status_reason: null, consecutive_failures: 0, next_login_at: null }
        : {}),
    };
    const row = await this.db.transaction().execute(async (trx) => {
      if (credentialsChanged) await this.sessions.lockConnection(trx, connectionId);
      const updated = await this.connections.update(connectionId, patch, trx);
      if (credentialsChanged) await this.dropSession(trx, current, 'credentials_changed');
      return updated;
    });
    await this.connections.audit({
      tenantId: current.tenant_id,
      action: 'connection.updated',
      targetId: connectionId,
      details: { fields: Object.keys(input) },
    });
    return this.view(row ?? current);
  }

  async disable(connectionId: string, reason: string | undefined): Promise<ConnectionView> {
    const current = await this.found(connectionId);
    const row = await this.db.transaction().execute(async (trx) => {
      await this.sessions.lockConnection(trx, connectionId);
      const updated = await this.connections.update(
        connectionId,
        { status: 'disabled', status_reason: reason ?? 'disabled by an operator', next_login_at: null },
        trx,
      );
      await this.dropSession(trx, current, 'connection_disabled');
      return updated;
    });
    await this.connections.audit({
      tenantId: current.tenant_id,
      action: 'connection.disabled',
      targetId: connectionId,
      details: { reason: reason ?? null },
    });
    return this.view(row ?? current);
  }

  async enable(connectionId: string): Promise<ConnectionView> {
    const current = await this.found(connectionId);
    const row =
      current.status === 'disabled' || current.status === 'needs_attention'
        ? await this.connections.update(connectionId, {
            status: 'pending',
            status_reason: null,
            consecutive_failures: 0,
            next_login_at: null,
          })
        : current;
    await this.connections.audit({
      tenantId: current.tenant_id,
      action: 'connection.enabled',
      targetId: connectionId,
    });
    return this.view(row ?? current);
  }

  /**
   * The stored session is no longer the connection's (disabled, or signed in with credentials that
   * changed): dropped in the store with `session.expired`, and logged out at the vendor when its flow
   * can (a TOM seat is freed now, not at the idle timeout). The caller holds the connection's lock, so
   * no login stores a session meanwhile. A logout that fails does not stop the change: the vendor ends
   * that session at its own timeout (logged).
   */
  private async dropSession(
    trx: Transaction<DB>,
    connection: ConnectionRow,
    reason: Extract<ReleaseReason, 'connection_disabled' | 'credentials_changed'>,
  ): Promise<void> {
    const stored = await this.sessions.find(connection.id, trx);
    const dropped = await this.sessions.invalidate(connection.id, 'invalid', reason, undefined, trx);
    if (dropped) {
      await this.events.append(trx, connection, 'session.expired', {
        reason: 'revoked',
        expiredAt: new Date().toISOString(),
      });
    }
    if (stored && mayHoldAtVendor(stored, Date.now())) {
      await this.releaser.release(connection, stored, reason);
    }
  }

  private async found(connectionId: string): Promise<ConnectionRow> {
    const row = await this.connections.findById(connectionId);
    if (!row) throw new ConnectionError(ConnectionErrorCode.NotFound, `no connection ${connectionId}`);
    return row;
  }

  private async view(row: ConnectionRow): Promise<ConnectionView> {
    return viewOf(row, await this.sessions.find(row.id));
  }
}

/** What the admin API shows of a connection and its session. */
function viewOf(row: ConnectionRow, session: SessionRow | undefined): ConnectionView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    vendor: row.vendor,
    label: row.label,
    portalUrl: row.portal_url,
    username: row.username,
    mfa: { method: row.mfa_method, destination: row.mfa_destination },
    sso: row.sso && row.sso_username ? { username: row.sso_username } : null,
    status: row.status,
    statusReason: row.status_reason,
    consecutiveFailures: row.consecutive_failures,
    nextLoginAt: row.next_login_at?.toISOString() ?? null,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    session: sessionStatusView(session),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
