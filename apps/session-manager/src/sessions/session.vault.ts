import type { CapturedSession, ConnectionCredentials, SessionCookie } from '@fieldsync/connector-kit';
import type { Vendor } from '@fieldsync/canonical-model';
import { Vault } from '@fieldsync/vault';
import { Injectable } from '@nestjs/common';
import type { ConnectionRow } from '../connections/connections.repository';
import { VaultContexts } from '../vault/vault.providers';
import type { SessionRow } from './sessions.repository';

/**
 * Everything the session manager seals and opens: a connection's password and TOTP secret, a captured
 * session and the device cookies kept across logins. Plaintext lives only for the call that needs it.
 */
@Injectable()
export class SessionVault {
  constructor(private readonly vault: Vault) {}

  get currentKeyId(): string {
    return this.vault.currentKeyId;
  }

  sealSecret(value: string, context: string): Buffer {
    return this.vault.seal(value, context).ciphertext;
  }

  /** The credentials of one login (decrypted now, dropped after the login). */
  credentials(row: ConnectionRow): ConnectionCredentials {
    if (row.key_id === null || row.password_encrypted === null) {
      throw new Error(`connection ${row.id} has no stored password`);
    }
    const keyId = row.key_id;
    const password = this.vault.openString(
      { keyId, ciphertext: row.password_encrypted },
      VaultContexts.password(row.id),
    );
    const mfa: ConnectionCredentials['mfa'] =
      row.mfa_method === 'totp'
        ? { method: 'totp' }
        : row.mfa_method === 'sms' || row.mfa_method === 'email'
          ? { method: row.mfa_method, destination: row.mfa_destination ?? '' }
          : { method: 'none' };
    return {
      connectionId: row.id,
      tenantId: row.tenant_id,
      vendor: row.vendor as Vendor,
      portalUrl: row.portal_url,
      username: row.username,
      password,
      mfa,
      ...(row.sso && row.sso_username ? { sso: { username: row.sso_username } } : {}),
    };
  }

  totpSecret(row: ConnectionRow): string {
    if (row.key_id === null || row.mfa_secret_encrypted === null) {
      throw new Error(`connection ${row.id} has no stored TOTP secret`);
    }
    return this.vault.openString(
      { keyId: row.key_id, ciphertext: row.mfa_secret_encrypted },
      VaultContexts.mfaSecret(row.id),
    );
  }

  sealSession(
    connectionId: string,
    session: CapturedSession,
  ): { keyId: string; state: Buffer; device: Buffer | null } {
    const state = this.vault.seal(JSON.stringify(session), VaultContexts.sessionState(connectionId));
    const device =
      session.deviceCookies.length === 0
        ? null
        : this.vault.seal(JSON.stringify(session.deviceCookies), VaultContexts.deviceState(connectionId))
            .ciphertext;
    return { keyId: state.keyId, state: state.ciphertext, device };
  }

  openSession(row: SessionRow): CapturedSession {
    const json = this.vault.openString(
      { keyId: row.key_id, ciphertext: row.state_encrypted },
      VaultContexts.sessionState(row.connection_id),
    );
    return JSON.parse(json) as CapturedSession;
  }

  deviceCookies(row: SessionRow | undefined): SessionCookie[] {
    if (!row?.device_state_encrypted) return [];
    const json = this.vault.openString(
      { keyId: row.key_id, ciphertext: row.device_state_encrypted },
      VaultContexts.deviceState(row.connection_id),
    );
    return JSON.parse(json) as SessionCookie[];
  }

  /** Key rotation of a connection row: every secret of it under the current key, or undefined. */
  resealConnection(
    row: ConnectionRow,
  ): { keyId: string; password: Buffer | null; mfaSecret: Buffer | null } | undefined {
    if (row.key_id === null || row.key_id === this.vault.currentKeyId) return undefined;
    const keyId = row.key_id;
    const reseal = (ciphertext: Buffer | null, context: string) =>
      ciphertext === null
        ? null
        : (this.vault.reseal({ keyId, ciphertext }, context)?.ciphertext ?? ciphertext);
    return {
      keyId: this.vault.currentKeyId,
      password: reseal(row.password_encrypted, VaultContexts.password(row.id)),
      mfaSecret: reseal(row.mfa_secret_encrypted, VaultContexts.mfaSecret(row.id)),
    };
  }

  resealSession(
    row: SessionRow,
  ): { keyId: string; stateEncrypted: Buffer; deviceStateEncrypted: Buffer | null } | undefined {
    if (row.key_id === this.vault.currentKeyId) return undefined;
    const keyId = row.key_id;
    const state = this.vault.reseal(
      { keyId, ciphertext: row.state_encrypted },
      VaultContexts.sessionState(row.connection_id),
    );
    const device =
      row.device_state_encrypted === null
        ? null
        : (this.vault.reseal(
            { keyId, ciphertext: row.device_state_encrypted },
            VaultContexts.deviceState(row.connection_id),
          )?.ciphertext ?? null);
    return {
      keyId: this.vault.currentKeyId,
      stateEncrypted: state?.ciphertext ?? row.state_encrypted,
      deviceStateEncrypted: device,
    };
  }
}
