import { localToUtc } from './local-time.util';

describe('localToUtc (Workiz account-local times)', () => {
  it('reads a wall clock in the account zone, standard and daylight time alike', () => {
    expect(localToUtc('2026-01-15 09:30:00', 'America/Chicago')).toBe('2026-01-15T15:30:00Z');
    expect(localToUtc('2026-07-15 09:30:00', 'America/Chicago')).toBe('2026-07-15T14:30:00Z');
    expect(localToUtc('2026-07-15 09:30:00', 'America/Los_Angeles')).toBe('2026-07-15T16:30:00Z');
    expect(localToUtc('2026-12-31 23:59:59', 'America/Chicago')).toBe('2027-01-01T05:59:59Z');
  });

  it('resolves the hour the spring change skips forward, and the repeated autumn hour to its first time', () => {
    // 2026-03-08 02:30 does not exist in Chicago (02:00 → 03:00): read as 03:30 CDT.
    expect(localToUtc('2026-03-08 02:30:00', 'America/Chicago')).toBe('2026-03-08T08:30:00Z');
    // 2026-11-01 01:30 happens twice: the first (CDT, UTC−5).
    expect(localToUtc('2026-11-01 01:30:00', 'America/Chicago')).toBe('2026-11-01T06:30:00Z');
  });

  it('refuses a malformed time or zone, naming the value', () => {
    expect(() => localToUtc('2026-02-30 10:00:00', 'America/Chicago')).toThrow('"2026-02-30 10:00:00"');
    expect(() => localToUtc('2026-02-03T10:00:00Z', 'America/Chicago')).toThrow('YYYY-MM-DD HH:MM:SS');
    expect(() => localToUtc('2026-02-03 10:00:00', 'Mars/Olympus')).toThrow('Mars/Olympus');
  });
});
