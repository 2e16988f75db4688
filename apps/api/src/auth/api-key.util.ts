import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** The scopes a key may hold: `read` lists and reads, `write` sends commands, `admin` manages keys. */
export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `fsk_` + 12 lowercase base32 characters: public, unique, what logs and listings show. */
const PREFIX = /^fsk_[a-z2-7]{12}$/;
/** A whole key: the prefix, `_`, then 43 base64url characters (256 random bits). */
const KEY = /^(fsk_[a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** scrypt (RFC 7914) cost: N = 2^14, r = 8, p = 1, 32-byte output; the key's id is the salt. */
const SCRYPT: ScryptOptions = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

export interface NewApiKey {
  /** The whole secret, shown once to its creator and never stored. */
  readonly key: string;
  readonly prefix: string;
}

/** A fresh key: a random public prefix and 256 random secret bits. */
export function generateApiKey(): NewApiKey {
  const prefix = `fsk_${[...randomBytes(12)].map((byte) => BASE32[byte & 31]).join('')}`;
  return { prefix, key: `${prefix}_${randomBytes(32).toString('base64url')}` };
}

/** The public prefix of a presented key, or undefined when it does not have the shape of one. */
export function apiKeyPrefix(presented: string): string | undefined {
  return KEY.exec(presented)?.[1];
}

export function isApiKeyPrefix(value: string): boolean {
  return PREFIX.test(value);
}

/** The stored hash of a key: scrypt of the whole key salted with the key's id. */
export function hashApiKey(key: string, keyId: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(key, keyId, HASH_BYTES, SCRYPT, (error, derived) =>
      error ? reject(error) : resolve(derived),
    );
  });
}

/** Whether a presented key matches its stored hash, compared in constant time. */
export async function verifyApiKey(presented: string, keyId: string, stored: Buffer): Promise<boolean> {
  const derived = await hashApiKey(presented, keyId);
  return derived.length === stored.length && timingSafeEqual(derived, stored);
}
