import { randomBytes } from 'node:crypto';

/** Standard Webhooks symmetric secrets: `whsec_` + base64 of 24–64 random bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;
const DEFAULT_SECRET_BYTES = 24;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export function generateSecret(bytes = DEFAULT_SECRET_BYTES): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/** Why `secret` is not a usable signing secret, or undefined when it is. Never echoes the value. */
export function secretProblem(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `must start with ${WEBHOOK_SECRET_PREFIX}`;
  const body = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64_RE.test(body)) return `must be ${WEBHOOK_SECRET_PREFIX} followed by base64`;
  const length = Buffer.from(body, 'base64').length;
  if (length < WEBHOOK_SECRET_MIN_BYTES || length > WEBHOOK_SECRET_MAX_BYTES) {
    return `must encode ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes (got ${length})`;
  }
  return undefined;
}

/** The HMAC key a `whsec_` secret stands for. */
export function secretKey(secret: string): Buffer {
  const problem = secretProblem(secret);
  if (problem !== undefined) throw new RangeError(`signing secret ${problem}`);
  return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
}
