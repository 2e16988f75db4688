/**
 * Jobber's `ISO8601DateTime`: seconds precision with the account's UTC offset
 * (`2026-03-02T12:00:00-06:00`). The sandbox account is in America/Chicago (the world is an Austin
 * business); offsets are cached per hour.
 */
export const JOBBER_ACCOUNT_TIME_ZONE = 'America/Chicago';
const HOUR = 3_600_000;
const offsets = new Map<number, number>();
const zoneFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: JOBBER_ACCOUNT_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

function offsetMinutes(ms: number): number {
  const hour = Math.floor(ms / HOUR);
  let cached = offsets.get(hour);
  if (cached === undefined) {
    const parts = Object.fromEntries(zoneFormat.formatToParts(hour * HOUR).map((p) => [p.type, p.value]));
    const local = Date.UTC(
      Number(parts['year']),
      Number(parts['month']) - 1,
      Number(parts['day']),
      Number(parts['hour']),
      Number(parts['minute']),
    );
    cached = Math.round((local - hour * HOUR) / 60_000);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(hour, cached);
  }
  return cached;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDateTime(ms: number): string {
  const offset = offsetMinutes(ms);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function formatNullableDateTime(ms: number | null): string | null {
  return ms === null ? null : formatDateTime(ms);
}

/** Epoch ms of an ISO-8601 date-time (an offset or Z; without one, UTC); undefined when unparseable. */
export function parseDateTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
    return undefined;
  const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}
