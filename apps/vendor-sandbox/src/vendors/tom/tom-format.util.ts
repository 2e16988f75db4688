import { TOM_TIMEZONE } from '@fieldsync/sandbox-world';

/*
 * How TOM's screens print values: US dates `M/D/YYYY` and times `M/D/YYYY h:mm:ss AM` in the company
 * file's zone, money `$1,234.56` (negative `-$12.00`), quantities as decimals, yes/no flags.
 */

const PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: TOM_TIMEZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hour12: true,
});

function parts(epochMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of PARTS.formatToParts(new Date(epochMs))) out[p.type] = p.value;
  return out;
}

/** `3/2/2026` (local date of an instant). */
export function tomDate(epochMs: number): string {
  const p = parts(epochMs);
  return `${p['month']}/${p['day']}/${p['year']}`;
}

/** `3/2/2026 12:00:00 PM` (local wall clock of an instant). */
export function tomDateTime(epochMs: number): string {
  const p = parts(epochMs);
  return `${p['month']}/${p['day']}/${p['year']} ${p['hour']}:${p['minute']}:${p['second']} ${p['dayPeriod']}`;
}

/** `YYYY-MM-DD` → `M/D/YYYY` (a calendar date that has no instant). */
export function tomCalendarDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${String(Number(m))}/${String(Number(d))}/${y ?? ''}`;
}

/** `M/D/YYYY` → `YYYY-MM-DD`, or undefined when it is not such a date. */
export function parseTomDate(text: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Cents → `$1,234.56` / `-$12.00`. */
export function tomMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  return `${sign}$${MONEY.format(Math.abs(cents) / 100)}`;
}

/** `$1,234.56` → cents, or undefined. */
export function parseTomMoney(text: string): number | undefined {
  const m = /^(-)?\$(\d{1,3}(?:,\d{3})*|\d+)\.(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const cents = Number((m[2] ?? '').replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] ? -cents : cents;
}

/** Thousandths → `1.5`. */
export function tomQuantity(milli: number): string {
  return String(milli / 1000);
}

export function tomYesNo(value: boolean): string {
  return value ? 'Yes' : 'No';
}

/** The local wall clock of an instant read as if it were UTC (for offsets). */
function wallOf(epochMs: number): number {
  const p = parts(epochMs);
  const hour = (Number(p['hour']) % 12) + (p['dayPeriod'] === 'PM' ? 12 : 0);
  return Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    hour,
    Number(p['minute']),
    Number(p['second']),
  );
}

/**
 * `3/2/2026 12:00 PM` or `3/2/2026 12:00:00 PM` (the company file's local time) → epoch ms, or
 * undefined when it is not such a time. A time the spring change skips resolves forward.
 */
export function parseTomDateTime(text: string): number | undefined {
  const m = /^(\d{1,2}\/\d{1,2}\/\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? (AM|PM)$/.exec(text.trim());
  if (!m) return undefined;
  const date = parseTomDate(m[1] ?? '');
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? '0')];
  if (!date || h < 1 || h > 12 || mi > 59 || s > 59) return undefined;
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, (h % 12) + (m[5] === 'PM' ? 12 : 0), mi, s);
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - (wallOf(guess) - guess);
  return guess;
}
