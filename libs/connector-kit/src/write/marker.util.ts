import { createHash } from 'node:crypto';

/** `fieldsync:` + 24 hex characters (96 bits): what `markerOf` makes and connectors look for in text. */
export const MARKER_PATTERN = /fieldsync:[0-9a-f]{24}/;

/** A run of digits long enough to be taken for a card number (13–19 digits, Luhn). */
const LONG_DIGIT_RUN = /\d{13}/;

/**
 * The marker a command stamps on the vendor record it creates: derived from the tenant and the
 * idempotency key only, so every attempt and every redelivery of the command carries the same one,
 * and it reveals neither (one-way hash).
 */
export function markerOf(tenantId: string, idempotencyKey: string): string {
  // A marker lands in free text the canonical model guards against card numbers (a payment's memo):
  // 13 or more digits in a row could pass for one (~3 % of random 24-hex markers have such a run, and a
  // tenth of those pass Luhn). The first derivation without such a run is taken: still a pure function
  // of the tenant and the key, and the same marker as before for every key whose first one had none.
  for (let round = 0; ; round += 1) {
    const digest = createHash('sha256').update(
      JSON.stringify(
        round === 0
          ? ['fieldsync.marker.v1', tenantId, idempotencyKey]
          : ['fieldsync.marker.v1', tenantId, idempotencyKey, round],
      ),
    );
    const marker = digest.digest('hex').slice(0, 24);
    if (!LONG_DIGIT_RUN.test(marker)) return `fieldsync:${marker}`;
  }
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
