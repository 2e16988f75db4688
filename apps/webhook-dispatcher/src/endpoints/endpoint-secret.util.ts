import { randomBytes } from 'node:crypto';

/** Standard Webhooks symmetric secrets: `whsec_` + base64 of 24–64 random bytes. */
export const SECRET_PREFIX = 'whsec_';
export const SECRET_MIN_BYTES = 24;
export const SECRET_MAX_BYTES = 64;
const DEFAULT_SECRET_BYTES = 24;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export function generateSecret(bytes = DEFAULT_SECRET_BYTES): string {
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** Why `secret` is not a usable signing secret, or undefined when it is. Never echoes the value. */
export function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return `must start with ${SECRET_PREFIX}`;
  const body = secret.slice(SECRET_PREFIX.length);
  if (!BASE64_RE.test(body)) return `must be ${SECRET_PREFIX} followed by base64`;
  const length = Buffer.from(body, 'base64').length;
  if (length < SECRET_MIN_BYTES || length > SECRET_MAX_BYTES) {
    return `must encode ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes (got ${length})`;
  }
  return undefined;
}

/** The HMAC key a `whsec_` secret stands for. */
export function secretKey(secret: string): Buffer {
  const problem = secretProblem(secret);
  if (problem !== undefined) throw new RangeError(`signing secret ${problem}`);
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}
