import { createHmac, type KeyObject } from 'node:crypto';

/**
 * `webhook-signature` (Standard Webhooks, symmetric): `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`
 * for each key, space-separated, so a receiver still holding a rotated-out secret verifies too. The keys are
 * KeyObjects made once per endpoint (`SigningSecrets.keys`): an HMAC from a KeyObject skips the key import
 * that a raw Buffer costs on every signature (several times the HMAC of a 2 KB body itself).
 */
export function signatureHeader(
  keys: readonly KeyObject[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  return keys
    .map(
      (key) =>
        `v1,${createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.`).update(body).digest('base64')}`,
    )
    .join(' ');
}
