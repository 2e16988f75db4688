import { timestampSchema } from './timestamp.schema';

const OFFSET_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Explicit normalisation for connectors: converts an ISO 8601 instant WITH a zone designator
 * (`2026-02-01T10:00:00-05:00`, `...+0100`, `...z`) or a `Date` into the canonical UTC form
 * `2026-02-01T15:00:00Z` (milliseconds kept only when non-zero). A string without a zone designator is
 * ambiguous (vendor-local wall time) and is rejected: the connector must supply the zone.
 */
export function normalizeTimestamp(input: string | Date): string {
  let date: Date;
  if (input instanceof Date) {
    date = input;
  } else {
    const trimmed = input.trim();
    if (!OFFSET_TIMESTAMP.test(trimmed)) {
      throw new RangeError(
        `cannot normalise ${JSON.stringify(input)}: expected an ISO 8601 timestamp with Z or an explicit offset`,
      );
    }
    date = new Date(trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').toUpperCase());
  }
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`cannot normalise ${String(input)}: not a valid instant`);
  }
  const iso = date.toISOString().replace('.000Z', 'Z');
  return timestampSchema.parse(iso);
}
