import { parseWorkizLocal, workizLocalDate, workizLocalDateTime } from './workiz-datetime.util';

const ZONE = 'America/Chicago';

describe('Workiz account-local times', () => {
  it('formats an instant in the account zone, standard and daylight time', () => {
    expect(workizLocalDateTime(Date.parse('2026-03-02T18:00:00Z'), ZONE)).toBe('2026-03-02 12:00:00');
    expect(workizLocalDateTime(Date.parse('2026-07-02T18:00:05Z'), ZONE)).toBe('2026-07-02 13:00:05');
    expect(workizLocalDate(Date.parse('2026-03-03T05:59:59Z'), ZONE)).toBe('2026-03-02');
    expect(workizLocalDateTime(Date.parse('2026-03-03T06:00:00Z'), ZONE)).toBe('2026-03-03 00:00:00');
  });

  it('parses a local time back to the instant, and a date to its local midnight', () => {
    expect(parseWorkizLocal('2026-03-02 12:00:00', ZONE)).toBe(Date.parse('2026-03-02T18:00:00Z'));
    expect(parseWorkizLocal('2026-07-02 13:00', ZONE)).toBe(Date.parse('2026-07-02T18:00:00Z'));
    expect(parseWorkizLocal('2026-03-02', ZONE)).toBe(Date.parse('2026-03-02T06:00:00Z'));
  });

  it('round-trips every quarter hour across both DST changes of a year', () => {
    for (let t = Date.parse('2026-03-07T00:00:00Z'); t < Date.parse('2026-03-10T00:00:00Z'); t += 900_000) {
      // Spring forward repeats no local time: every instant comes back.
      expect(parseWorkizLocal(workizLocalDateTime(t, ZONE), ZONE)).toBe(t);
    }
    for (let t = Date.parse('2026-10-31T00:00:00Z'); t < Date.parse('2026-11-03T00:00:00Z'); t += 900_000) {
      // Fall back: the hour 01:00–02:00 repeats; its second occurrence reads as the first.
      const back = parseWorkizLocal(workizLocalDateTime(t, ZONE), ZONE);
      const repeated = t >= Date.parse('2026-11-01T07:00:00Z') && t < Date.parse('2026-11-01T08:00:00Z');
      expect(back).toBe(repeated ? t - 3_600_000 : t);
    }
  });

  it('moves a time the spring change skips forward, and reads a repeated time as its first occurrence', () => {
    expect(parseWorkizLocal('2026-03-08 02:30:00', ZONE)).toBe(Date.parse('2026-03-08T08:30:00Z'));
    expect(workizLocalDateTime(Date.parse('2026-03-08T08:30:00Z'), ZONE)).toBe('2026-03-08 03:30:00');
    expect(parseWorkizLocal('2026-11-01 01:30:00', ZONE)).toBe(Date.parse('2026-11-01T06:30:00Z'));
  });

  it('refuses what is not a local time', () => {
    for (const text of [
      '2026-02-30 10:00:00',
      '2026-13-01',
      '2026-03-02T12:00:00Z',
      '12:00',
      '2026-03-02 24:00:00',
      '',
    ]) {
      expect([text, parseWorkizLocal(text, ZONE)]).toEqual([text, null]);
    }
  });
});
