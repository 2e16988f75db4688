/*
 * TOM prints the company file's local time: `3/2/2026 12:00:00 PM` and dates `3/2/2026`. They become UTC
 * through Intl with the company file's zone, so daylight saving time is the zone's own (a local time the
 * spring change skips resolves forward).
 */

/** The sandbox's company file (and Aptora Hosted's default) keeps Central time. */
export const TOM_TIMEZONE = 'America/Chicago';

const WALL = new Intl.DateTimeFormat('en-US', {
  timeZone: TOM_TIMEZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export const TOM_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/;
export const TOM_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function wallOf(epochMs: number): number {
  const p: Record<string, string> = {};
  for (const part of WALL.formatToParts(new Date(epochMs))) p[part.type] = part.value;
  return Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']) % 24,
    Number(p['minute']),
    Number(p['second']),
  );
}

/** `M/D/YYYY` → `YYYY-MM-DD`; throws naming a malformed value. */
export function tomDateToIso(text: string): string {
  const m = TOM_DATE.exec(text);
  if (!m) throw new RangeError(`TOM date ${JSON.stringify(text)} is not M/D/YYYY`);
  const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    throw new RangeError(`TOM date ${JSON.stringify(text)} is not a calendar date`);
  return `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export const tomDateOrNull = (text: string): string | null => (text === '' ? null : tomDateToIso(text));

/** `3/2/2026 12:00:00 PM` (Central) → `2026-03-02T18:00:00.000Z`; throws naming a malformed value. */
export function tomDateTimeToUtc(text: string): string {
  const m = TOM_DATE_TIME.exec(text);
  if (!m) throw new RangeError(`TOM time ${JSON.stringify(text)} is not M/D/YYYY h:mm:ss AM`);
  const date = tomDateToIso(`${m[1] ?? ''}/${m[2] ?? ''}/${m[3] ?? ''}`);
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h < 1 || h > 12 || mi > 59 || s > 59)
    throw new RangeError(`TOM time ${JSON.stringify(text)} is not a clock time`);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, (h % 12) + (m[7] === 'PM' ? 12 : 0), mi, s);
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - (wallOf(guess) - guess);
  return new Date(guess).toISOString();
}

export const tomDateTimeOrNull = (text: string): string | null =>
  text === '' ? null : tomDateTimeToUtc(text);

/** `YYYY-MM-DD` of an instant in the company file's calendar (the grids' date filters take local dates). */
export function tomLocalDateOf(instant: Date): string {
  const p: Record<string, string> = {};
  for (const part of WALL.formatToParts(instant)) p[part.type] = part.value;
  return `${p['year'] ?? ''}-${(p['month'] ?? '').padStart(2, '0')}-${(p['day'] ?? '').padStart(2, '0')}`;
}

/** `YYYY-MM-DD` → `M/D/YYYY` (what TOM's forms and filters take). */
export function isoToTomDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${String(Number(m))}/${String(Number(d))}/${y ?? ''}`;
}

/** An instant → `M/D/YYYY h:mm:ss AM` in the company file's zone (what TOM's forms take). */
export function utcToTomDateTime(iso: string): string {
  const p: Record<string, string> = {};
  for (const part of WALL.formatToParts(new Date(iso))) p[part.type] = part.value;
  const hour = Number(p['hour']) % 24;
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${String(Number(p['month']))}/${String(Number(p['day']))}/${p['year'] ?? ''} ${String(h12)}:${p['minute'] ?? ''}:${p['second'] ?? ''} ${hour < 12 ? 'AM' : 'PM'}`;
}
