import type { DB } from '@fieldsync/persistence';
import type { Vault } from '@fieldsync/vault';
import { sql, type Kysely } from 'kysely';

const BATCH = 200;

/** The vault context of an endpoint's signing secrets (current and rotated-out ones alike). */
export function signingSecretContext(endpointId: string): string {
  return `webhook_endpoints/${endpointId}/secret`;
}

/** A table holding sealed signing secrets: its name and the column naming the endpoint of a row. */
interface SealedSecretTable {
  readonly table: 'webhook_endpoints' | 'webhook_endpoint_secrets';
  readonly endpointColumn: 'id' | 'endpoint_id';
}

/**
 * Reseals every row of one table still under another key than the vault's current one, in id order
 * and batches. A row is updated only while it is still under the key it was read with, so a concurrent
 * rotation is never overwritten. Returns how many rows it resealed.
 */
async function resealTable(db: Kysely<DB>, vault: Vault, target: SealedSecretTable): Promise<number> {
  const keyId = vault.currentKeyId;
  const table = sql.table(target.table);
  const endpoint = sql.ref(target.endpointColumn);
  let resealed = 0;
  for (let after = ''; ;) {
    const rows = await sql<{ id: string; endpoint_id: string; key_id: string; secret_encrypted: Buffer }>`
      select id, ${endpoint} as endpoint_id, key_id, secret_encrypted from ${table}
      where key_id <> ${keyId} and id > ${after} order by id limit ${BATCH}`.execute(db);
    for (const row of rows.rows) {
      const sealed = vault.reseal(
        { keyId: row.key_id, ciphertext: row.secret_encrypted },
        signingSecretContext(row.endpoint_id),
      );
      if (!sealed) continue;
      const result = await sql`
        update ${table} set key_id = ${sealed.keyId}, secret_encrypted = ${sealed.ciphertext}
        where id = ${row.id} and key_id = ${row.key_id}`.execute(db);
      if (result.numAffectedRows === 1n) resealed += 1;
    }
    const last = rows.rows[rows.rows.length - 1];
    if (!last || rows.rows.length < BATCH) return resealed;
    after = last.id;
  }
}

/**
 * Key rotation of the dispatcher's secrets: every endpoint's signing secret and every rotated-out secret
 * still kept, resealed under the vault's current key. Safe to run again.
 */
export async function resealSigningSecrets(
  db: Kysely<DB>,
  vault: Vault,
): Promise<{ endpoints: number; previousSecrets: number }> {
  return {
    endpoints: await resealTable(db, vault, { table: 'webhook_endpoints', endpointColumn: 'id' }),
    previousSecrets: await resealTable(db, vault, {
      table: 'webhook_endpoint_secrets',
      endpointColumn: 'endpoint_id',
    }),
  };
}
