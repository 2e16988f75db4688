import { VaultError, VaultErrorCode } from './vault.error';

export const KEY_BYTES = 32;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface VaultKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The keys a vault knows: the current one seals, every one opens. Rotation = a new current key with the
 * old one kept as previous until everything has been resealed (then the old one is dropped).
 */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;

  private constructor(
    readonly current: VaultKey,
    keys: Map<string, Buffer>,
  ) {
    this.byId = keys;
  }

  static from(current: VaultKey, previous: readonly VaultKey[] = []): KeyRing {
    const keys = new Map<string, Buffer>();
    for (const { id, key } of [current, ...previous]) {
      if (!KEY_ID_RE.test(id)) {
        throw new VaultError(VaultErrorCode.InvalidKey, `key id "${id}" must be 1-64 of A-Z a-z 0-9 _ -`);
      }
      if (key.length !== KEY_BYTES) {
        throw new VaultError(
          VaultErrorCode.InvalidKey,
          `key "${id}" must be ${KEY_BYTES} bytes, got ${key.length}`,
        );
      }
      if (keys.has(id)) throw new VaultError(VaultErrorCode.InvalidKey, `key id "${id}" is given twice`);
      keys.set(id, Buffer.from(key));
    }
    return new KeyRing({ id: current.id, key: Buffer.from(current.key) }, keys);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  key(id: string): Buffer {
    const key = this.byId.get(id);
    if (!key) {
      throw new VaultError(
        VaultErrorCode.UnknownKey,
        `no key "${id}" in the vault's key ring (known: ${this.ids.join(', ')}); was a previous key dropped before resealing?`,
      );
    }
    return key;
  }
}
