import { randomBytes } from 'node:crypto';

/** An unguessable token (session ids, CSRF tokens, device ids): 32 random bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
