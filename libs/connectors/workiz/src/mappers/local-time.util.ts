import { normalizeTimestamp } from '@fieldsync/canonical-model';

/*
 * Workiz's times are account-local `YYYY-MM-DD HH:MM:SS` with the account's IANA zone beside them
 * (`Timezone`, `timezone`). They become UTC through Intl, so daylight saving time is the zone's own: a
 * local time that the spring change skips resolves forward (02:30 → 03:30 local), one that the autumn
 * change repeats to its first occurrence (the earlier instant), as Workiz's web app reads them.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw new RangeError(`Workiz time zone ${JSON.stringify(zone)} is not an IANA zone`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of an instant in a zone, as epoch ms read as if UTC. */
function wallOf(epochMs: number, zone: string): number {
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(new Date(epochMs))) p[part.type] = part.value;
  return Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
}

/** `2026-03-02 12:00:00` in America/Chicago → `2026-03-02T18:00:00Z`. Throws naming a malformed value. */
export function localToUtc(local: string, zone: string): string {
  const m = LOCAL.exec(local);
  if (!m) throw new RangeError(`Workiz time ${JSON.stringify(local)} is not YYYY-MM-DD HH:MM:SS`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`Workiz time ${JSON.stringify(local)} is not a calendar time`);
  }
  // The zone's offsets half a day either side cover any change on that day; the instants that read as
  // this wall clock are among the two candidates.
  const candidates = [wall - 12 * 3_600_000, wall + 12 * 3_600_000].map(
    (probe) => wall - (wallOf(probe, zone) - Math.floor(probe / 1000) * 1000),
  );
  const matching = candidates.filter((t) => wallOf(t, zone) === wall);
  const instant = matching.length > 0 ? Math.min(...matching) : (candidates[0] as number);
  return normalizeTimestamp(new Date(instant));
}
