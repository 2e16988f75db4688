// Part of `npm run vault:reencrypt`: reseals the webhook signing secrets under the current vault key
// (FIELDSYNC_VAULT_KEY / FIELDSYNC_VAULT_KEY_ID), opening older rows with FIELDSYNC_VAULT_PREVIOUS_KEYS.
// Exit 0 on success, 1 on failure (rows already resealed stay resealed; run again).
import { createDatabase } from '@fieldsync/persistence';
import { baseEnv, createLogger, databaseEnv, loadConfig, vaultEnv } from '@fieldsync/platform';
import { KeyRing, Vault } from '@fieldsync/vault';
import { z } from 'zod';
import { resealSigningSecrets } from '../endpoints/signing-secrets.reseal';

const schema = z.object({ ...baseEnv.shape, ...databaseEnv.shape, ...vaultEnv.shape });

async function main(): Promise<number> {
  const config = loadConfig(schema, process.env, 'vault-reencrypt-webhooks');
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'vault-reencrypt-webhooks',
    pretty: config.LOG_FORMAT === 'pretty',
  });
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'vault-reencrypt' });
  try {
    const vault = new Vault(
      KeyRing.from(
        { id: config.FIELDSYNC_VAULT_KEY_ID, key: config.FIELDSYNC_VAULT_KEY },
        config.FIELDSYNC_VAULT_PREVIOUS_KEYS,
      ),
    );
    const report = await resealSigningSecrets(db, vault);
    logger.info(
      { ...report, keyId: vault.currentKeyId },
      `resealed ${report.endpoints} endpoint secrets and ${report.previousSecrets} rotated-out secrets under key ${vault.currentKeyId}`,
    );
    return 0;
  } catch (error) {
    logger.error(
      { err: error },
      're-encryption failed; rows already resealed stay resealed, run again after fixing',
    );
    return 1;
  } finally {
    await db.destroy();
  }
}

void main().then((code) => process.exit(code));
