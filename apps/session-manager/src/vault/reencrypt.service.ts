import { DATABASE, type DB } from '@fieldsync/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionVault } from '../sessions/session.vault';
import { SessionsRepository } from '../sessions/sessions.repository';

export interface ReencryptReport {
  keyId: string;
  connections: number;
  sessions: number;
}

const BATCH = 200;

/**
 * Key rotation: every secret of the session manager (connection passwords and TOTP secrets, stored
 * sessions and device cookies) resealed under the vault's current key, in batches, each row updated
 * only if it is still under the key it was read with (a concurrent login that already wrote the row
 * under the new key is left alone). Safe to run while the services run and to run again.
 */
@Injectable()
export class ReencryptService {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<DB>,
    private readonly connections: ConnectionsRepository,
    private readonly sessions: SessionsRepository,
    private readonly vault: SessionVault,
  ) {}

  async run(): Promise<ReencryptReport> {
    const keyId = this.vault.currentKeyId;
    let connections = 0;
    let after = '';
    for (;;) {
      const rows = await this.connections.listSealedUnder(keyId, after, BATCH);
      for (const row of rows) {
        const resealed = this.vault.resealConnection(row);
        if (!resealed || row.key_id === null) continue;
        const result = await this.db
          .updateTable('connections')
          .set({
            key_id: resealed.keyId,
            password_encrypted: resealed.password,
            mfa_secret_encrypted: resealed.mfaSecret,
          })
          .where('id', '=', row.id)
          .where('key_id', '=', row.key_id)
          .executeTakeFirst();
        if (result.numUpdatedRows === 1n) connections += 1;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < BATCH) break;
      after = last.id;
    }
    let sessions = 0;
    after = '';
    for (;;) {
      const rows = await this.sessions.listSealedUnder(keyId, after, BATCH);
      for (const row of rows) {
        const resealed = this.vault.resealSession(row);
        if (resealed && (await this.sessions.reseal(row.connection_id, row.key_id, resealed))) sessions += 1;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < BATCH) break;
      after = last.connection_id;
    }
    return { keyId, connections, sessions };
  }
}
