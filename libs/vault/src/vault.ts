import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring';
import { VaultError, VaultErrorCode } from './vault.error';

const FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/** What a table stores for one secret: the ciphertext (bytea) and, beside it, the id of its key. */
export interface SealedSecret {
  readonly keyId: string;
  /** version (1 byte) | nonce (12) | GCM tag (16) | ciphertext. */
  readonly ciphertext: Buffer;
}

/**
 * AES-256-GCM envelope for the secrets fieldsync keeps (vendor passwords, MFA secrets, session cookies,
 * webhook signing secrets), with Node's own crypto: a fresh 96-bit nonce per seal and the GCM tag
 * checked on open. `context` is bound as additional authenticated data — e.g.
 * `connections/<id>/password` — so a ciphertext copied to another row or column does not open.
 */
export class Vault {
  constructor(private readonly keys: KeyRing) {}

  get currentKeyId(): string {
    return this.keys.current.id;
  }

  seal(plaintext: string | Buffer, context: string): SealedSecret {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.current.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.keys.current.id, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const ciphertext = Buffer.concat([Buffer.of(FORMAT_VERSION), nonce, cipher.getAuthTag(), body]);
    return { keyId: this.keys.current.id, ciphertext };
  }

  open(sealed: SealedSecret, context: string): Buffer {
    const { ciphertext } = sealed;
    if (ciphertext.length < HEADER_BYTES || ciphertext[0] !== FORMAT_VERSION) {
      throw new VaultError(
        VaultErrorCode.Malformed,
        `sealed secret (key "${sealed.keyId}") is not in vault format ${FORMAT_VERSION}`,
      );
    }
    const key = this.keys.key(sealed.keyId);
    const nonce = ciphertext.subarray(1, 1 + NONCE_BYTES);
    const tag = ciphertext.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(sealed.keyId, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext.subarray(HEADER_BYTES)), decipher.final()]);
    } catch (error) {
      throw new VaultError(
        VaultErrorCode.Tampered,
        `sealed secret (key "${sealed.keyId}") does not authenticate for its context: altered, moved, or sealed with another key`,
        { cause: error },
      );
    }
  }

  openString(sealed: SealedSecret, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }

  /** Key rotation: the same secret sealed under the current key, or undefined when it already is. */
  reseal(sealed: SealedSecret, context: string): SealedSecret | undefined {
    if (sealed.keyId === this.keys.current.id) return undefined;
    return this.seal(this.open(sealed, context), context);
  }
}

/** The key id is authenticated too: a ciphertext relabelled with another key id does not open. */
function aad(keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify(['fieldsync.vault.v1', keyId, context]), 'utf8');
}
