import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { KeyRing } from './key-ring';
import { Vault } from './vault';
import { VaultError, VaultErrorCode } from './vault.error';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const CONTEXT = 'connections/con_1/password';

function codeOf(fn: () => unknown): VaultErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof VaultError) return error.code;
    throw error;
  }
  return undefined;
}

describe('Vault', () => {
  const vault = new Vault(KeyRing.from(k1));

  it('opens what it sealed, for any text or bytes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (text, context) => {
        expect(vault.openString(vault.seal(text, context), context)).toBe(text);
      }),
    );
    const bytes = randomBytes(1000);
    expect(vault.open(vault.seal(bytes, CONTEXT), CONTEXT).equals(bytes)).toBe(true);
  });

  it('never repeats a ciphertext and never contains the plaintext', () => {
    const a = vault.seal('hunter2-hunter2', CONTEXT);
    const b = vault.seal('hunter2-hunter2', CONTEXT);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(Buffer.from('hunter2'))).toBe(false);
    expect(a.keyId).toBe('k1');
  });

  it('refuses a ciphertext with any byte changed', () => {
    const sealed = vault.seal('s3cret', CONTEXT);
    for (let i = 1; i < sealed.ciphertext.length; i++) {
      const altered = Buffer.from(sealed.ciphertext);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      expect(codeOf(() => vault.open({ keyId: 'k1', ciphertext: altered }, CONTEXT))).toBe(
        VaultErrorCode.Tampered,
      );
    }
  });

  it('refuses a ciphertext moved to another context, relabelled with another key, truncated or of another format', () => {
    const sealed = vault.seal('s3cret', CONTEXT);
    expect(codeOf(() => vault.open(sealed, 'connections/con_2/password'))).toBe(VaultErrorCode.Tampered);
    const both = new Vault(KeyRing.from(k1, [k2]));
    expect(codeOf(() => both.open({ ...sealed, keyId: 'k2' }, CONTEXT))).toBe(VaultErrorCode.Tampered);
    expect(
      codeOf(() => vault.open({ keyId: 'k1', ciphertext: sealed.ciphertext.subarray(0, 20) }, CONTEXT)),
    ).toBe(VaultErrorCode.Malformed);
    const otherVersion = Buffer.from(sealed.ciphertext);
    otherVersion[0] = 2;
    expect(codeOf(() => vault.open({ keyId: 'k1', ciphertext: otherVersion }, CONTEXT))).toBe(
      VaultErrorCode.Malformed,
    );
  });

  it('errors name the key id and never the secret', () => {
    const sealed = vault.seal('my-very-secret-password', CONTEXT);
    try {
      vault.open(sealed, 'elsewhere');
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as Error).message).toContain('key "k1"');
      expect((error as Error).message).not.toContain('my-very-secret-password');
    }
  });

  it('rotates: the new current key seals, the previous still opens, reseal moves secrets to the new key', () => {
    const old = vault.seal('s3cret', CONTEXT);
    const rotated = new Vault(KeyRing.from(k2, [k1]));
    expect(rotated.openString(old, CONTEXT)).toBe('s3cret');
    const moved = rotated.reseal(old, CONTEXT);
    expect(moved?.keyId).toBe('k2');
    expect(rotated.reseal(moved ?? old, CONTEXT)).toBeUndefined();
    const afterDrop = new Vault(KeyRing.from(k2));
    expect(afterDrop.openString(moved ?? old, CONTEXT)).toBe('s3cret');
    expect(codeOf(() => afterDrop.open(old, CONTEXT))).toBe(VaultErrorCode.UnknownKey);
  });

  it('refuses keys of the wrong size, bad ids and duplicate ids', () => {
    expect(codeOf(() => KeyRing.from({ id: 'k1', key: randomBytes(16) }))).toBe(VaultErrorCode.InvalidKey);
    expect(codeOf(() => KeyRing.from({ id: 'k 1', key: randomBytes(32) }))).toBe(VaultErrorCode.InvalidKey);
    expect(codeOf(() => KeyRing.from(k1, [{ id: 'k1', key: randomBytes(32) }]))).toBe(
      VaultErrorCode.InvalidKey,
    );
  });
});
