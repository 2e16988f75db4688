export { KEY_BYTES, KeyRing, type VaultKey } from './key-ring';
export { Vault, type SealedSecret } from './vault';
export { VaultError, VaultErrorCode } from './vault.error';
