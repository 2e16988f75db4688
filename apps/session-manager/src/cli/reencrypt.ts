// `npm run vault:reencrypt`: reseals every secret the session manager stores under the current vault
// key (FIELDSYNC_VAULT_KEY / FIELDSYNC_VAULT_KEY_ID), opening older rows with FIELDSYNC_VAULT_PREVIOUS_KEYS.
// Rotation: 1. deploy with the new key current and the old one in FIELDSYNC_VAULT_PREVIOUS_KEYS;
// 2. run this; 3. drop the old key from FIELDSYNC_VAULT_PREVIOUS_KEYS. Exit 0 on success, 1 on failure.
import { createDatabase } from '@fieldsync/persistence';
import { baseEnv, createLogger, databaseEnv, loadConfig, vaultEnv } from '@fieldsync/platform';
import { z } from 'zod';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionVault } from '../sessions/session.vault';
import { SessionsRepository } from '../sessions/sessions.repository';
import { ReencryptService } from '../vault/reencrypt.service';
import { vaultFromConfig } from '../vault/vault.providers';

const schema = z.object({ ...baseEnv.shape, ...databaseEnv.shape, ...vaultEnv.shape });

async function main(): Promise<number> {
  const config = loadConfig(schema, process.env, 'vault-reencrypt');
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'vault-reencrypt',
    pretty: config.LOG_FORMAT === 'pretty',
  });
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'vault-reencrypt' });
  try {
    const service = new ReencryptService(
      db,
      new ConnectionsRepository(db),
      new SessionsRepository(db),
      new SessionVault(vaultFromConfig(config)),
    );
    const report = await service.run();
    logger.info(
      report,
      `resealed ${report.connections} connections and ${report.sessions} sessions under key ${report.keyId}`,
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
