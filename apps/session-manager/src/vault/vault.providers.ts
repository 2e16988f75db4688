import type { VaultConfig } from '@fieldsync/platform';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { Provider } from '@nestjs/common';

/** The vault of this process: the current key seals, the current and previous keys open. */
export function vaultFromConfig(config: VaultConfig): Vault {
  return new Vault(
    KeyRing.from(
      { id: config.FIELDSYNC_VAULT_KEY_ID, key: config.FIELDSYNC_VAULT_KEY },
      config.FIELDSYNC_VAULT_PREVIOUS_KEYS,
    ),
  );
}

/** `Vault` injectable by its class. */
export function vaultProvider(config: VaultConfig): Provider {
  return { provide: Vault, useValue: vaultFromConfig(config) };
}

/** Contexts bound as AAD: a ciphertext moved to another row or column does not open. */
export const VaultContexts = {
  password: (connectionId: string) => `connections/${connectionId}/password`,
  mfaSecret: (connectionId: string) => `connections/${connectionId}/mfa_secret`,
  sessionState: (connectionId: string) => `sessions/${connectionId}/state`,
  deviceState: (connectionId: string) => `sessions/${connectionId}/device_state`,
} as const;
