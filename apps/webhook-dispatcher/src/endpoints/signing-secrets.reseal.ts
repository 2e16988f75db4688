import type { DB } from '@fieldsync/persistence';
import type { Vault } from '@fieldsync/vault';
import type { Kysely } from 'kysely';

const BATCH = 200;

/** The vault context of an endpoint's signing secrets (current and rotated-out ones alike). */
export function signingSecretContext(endpointId: string): string {
  return `webhook_endpoints/${endpointId}/secret`;
}

/**
 * Key rotation of the dispatcher's secrets: every endpoint's signing secret and every rotated-out secret
 * still kept, resealed under the vault's current key. A row is updated only while it is still under the
 * key it was read with, so a concurrent rotation is never overwritten. Safe to run again.
 */
export async function resealSigningSecrets(
  db: Kysely<DB>,
  vault: Vault,
): Promise<{ endpoints: number; previousSecrets: number }> {
  const keyId = vault.currentKeyId;
  let endpoints = 0;
  for (let after = ''; ;) {
    const rows = await db
      .selectFrom('webhook_endpoints')
      .select(['id', 'key_id', 'secret_encrypted'])
      .where('key_id', '<>', keyId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const sealed = vault.reseal(
        { keyId: row.key_id, ciphertext: row.secret_encrypted },
        signingSecretContext(row.id),
      );
      if (!sealed) continue;
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ key_id: sealed.keyId, secret_encrypted: sealed.ciphertext })
        .where('id', '=', row.id)
        .where('key_id', '=', row.key_id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) endpoints += 1;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) break;
    after = last.id;
  }
  let previousSecrets = 0;
  for (let after = ''; ;) {
    const rows = await db
      .selectFrom('webhook_endpoint_secrets')
      .select(['id', 'endpoint_id', 'key_id', 'secret_encrypted'])
      .where('key_id', '<>', keyId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const sealed = vault.reseal(
        { keyId: row.key_id, ciphertext: row.secret_encrypted },
        signingSecretContext(row.endpoint_id),
      );
      if (!sealed) continue;
      const result = await db
        .updateTable('webhook_endpoint_secrets')
        .set({ key_id: sealed.keyId, secret_encrypted: sealed.ciphertext })
        .where('id', '=', row.id)
        .where('key_id', '=', row.key_id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 1n) previousSecrets += 1;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) break;
    after = last.id;
  }
  return { endpoints, previousSecrets };
}
