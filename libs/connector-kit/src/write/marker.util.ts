import { createHash } from 'node:crypto';

/** `fieldsync:` + 24 hex characters (96 bits): what `markerOf` makes and connectors look for in text. */
export const MARKER_PATTERN = /fieldsync:[0-9a-f]{24}/;

/**
 * The marker a command stamps on the vendor record it creates: derived from the tenant and the
 * idempotency key only, so every attempt and every redelivery of the command carries the same one,
 * and it reveals neither (one-way hash).
 */
export function markerOf(tenantId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(
    JSON.stringify(['fieldsync.marker.v1', tenantId, idempotencyKey]),
  );
  return `fieldsync:${digest.digest('hex').slice(0, 24)}`;
}

/** The marker inside a free-text field (a memo, a note, instructions), or undefined. */
export function findMarker(text: string | null | undefined): string | undefined {
  return text ? MARKER_PATTERN.exec(text)?.[0] : undefined;
}

/** `text` with the marker appended on its own line (text fields where the vendor has no better place). */
export function withMarker(text: string | null | undefined, marker: string): string {
  const base = (text ?? '').trimEnd();
  return base === '' ? marker : `${base}\n${marker}`;
}
