import { z } from 'zod';

/**
 * Canonical instants are ISO 8601 in UTC and MUST end in `Z`: `2026-02-01T15:00:00Z`, optionally with
 * 1–9 fractional-second digits. Offsets (`+01:00`, `-05:00`) are REJECTED here rather than silently
 * normalised, so a connector that forgot to convert a vendor's local time fails loudly; connectors convert
 * explicitly with `normalizeTimestamp` (see timestamp.util.ts). Impossible calendar values (Feb 30, hour 24)
 * are rejected.
 */
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,9})?Z$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function hasRealDate(match: RegExpExecArray | null): boolean {
  if (!match) return false;
  return isRealCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

export const timestampSchema = z.string().superRefine((value, ctx) => {
  const match = TIMESTAMP_PATTERN.exec(value);
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: `expected an ISO 8601 UTC timestamp ending in Z (e.g. 2026-02-01T15:00:00Z), got ${JSON.stringify(value)}`,
    });
  } else if (!hasRealDate(match)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a real calendar date` });
  }
});

/** A calendar date without time, `YYYY-MM-DD`; impossible dates such as 2026-02-30 are rejected. */
export const dateSchema = z.string().superRefine((value, ctx) => {
  const match = DATE_PATTERN.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}` });
  } else if (!hasRealDate(match)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a real calendar date` });
  }
});

export type Timestamp = z.infer<typeof timestampSchema>;
export type CalendarDate = z.infer<typeof dateSchema>;

/** Chronological comparison of two canonical timestamps (works across different fractional precisions). */
export function compareTimestamps(a: string, b: string): number {
  const diff = Date.parse(a) - Date.parse(b);
  if (diff !== 0) return diff < 0 ? -1 : 1;
  const fracA = (/\.(\d+)Z$/.exec(a)?.[1] ?? '').padEnd(9, '0');
  const fracB = (/\.(\d+)Z$/.exec(b)?.[1] ?? '').padEnd(9, '0');
  return fracA === fracB ? 0 : fracA < fracB ? -1 : 1;
}
