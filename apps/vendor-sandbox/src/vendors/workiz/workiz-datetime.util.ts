/**
 * Workiz's times: account-local `YYYY-MM-DD HH:MM:SS` (the account's zone travels beside them as
 * `Timezone`), dates `YYYY-MM-DD`. Formatting and parsing go through Intl, so daylight saving time
 * is the zone's own.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
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
    formatters.set(zone, f);
  }
  return f;
}

function parts(epochMs: number, zone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(epochMs))) out[p.type] = p.value;
  return out;
}

/** `2026-03-02 12:00:00` for 2026-03-02T18:00:00Z in America/Chicago. */
export function workizLocalDateTime(epochMs: number, zone: string): string {
  const p = parts(epochMs, zone);
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']}`;
}

/** The account-local date of an instant. */
export function workizLocalDate(epochMs: number, zone: string): string {
  return workizLocalDateTime(epochMs, zone).slice(0, 10);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The instant of an account-local `YYYY-MM-DD[ HH:MM[:SS]]`, or null when it is not one. A local time
 * that a DST change skips resolves forward (02:30 → 03:30), one that repeats to its first occurrence.
 */
export function parseWorkizLocal(text: string, zone: string): number | null {
  const m = LOCAL.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return null;
  // The zone's offsets half a day either side cover any change of offset on that day: the instants
  // that read as this local time are among the two candidates.
  const before = wall - offsetMs(wall - 12 * 3_600_000, zone);
  const after = wall - offsetMs(wall + 12 * 3_600_000, zone);
  const local = workizLocalDateTime(wall, 'UTC');
  const matching = [before, after].filter((t) => workizLocalDateTime(t, zone) === local);
  // A repeated hour: its first occurrence. A skipped hour: the offset before the change, which reads
  // as the same time after the clocks moved forward (02:30 → 03:30).
  return matching.length > 0 ? Math.min(...matching) : before;
}

function offsetMs(epochMs: number, zone: string): number {
  const p = parts(epochMs, zone);
  const asUtc = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}
