import { createHmac } from 'node:crypto';

/**
 * `webhook-signature` (Standard Webhooks, symmetric): `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`
 * for each key, space-separated, so a receiver still holding a rotated-out secret verifies too.
 */
export function signatureHeader(
  keys: readonly Buffer[],
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
