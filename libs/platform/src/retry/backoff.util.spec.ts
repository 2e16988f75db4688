import { backoffDelayMs } from './backoff.util';

describe('backoffDelayMs', () => {
  describe('equal jitter (the default)', () => {
    it('doubles per attempt between half and all of the step', () => {
      expect(backoffDelayMs(1, 1_000, 60_000, { random: () => 0 })).toBe(500);
      expect(backoffDelayMs(1, 1_000, 60_000, { random: () => 1 })).toBe(1_000);
      expect(backoffDelayMs(3, 1_000, 60_000, { random: () => 0 })).toBe(2_000);
      expect(backoffDelayMs(3, 1_000, 60_000, { random: () => 1 })).toBe(4_000);
    });

    it('never exceeds the cap however many attempts', () => {
      for (let attempt = 1; attempt < 60; attempt += 1) {
        expect(backoffDelayMs(attempt, 5_000, 900_000, { random: () => 1 })).toBeLessThanOrEqual(900_000);
      }
      expect(backoffDelayMs(40, 5_000, 900_000, { random: () => 0 })).toBe(450_000);
    });
  });

  it('full jitter: uniform between the base and the doubled step, capped', () => {
    const full = (attempt: number, random: () => number) =>
      backoffDelayMs(attempt, 100, 10_000, { jitter: 'full', random });
    expect(full(1, () => 1)).toBe(100);
    expect(full(4, () => 1)).toBe(800);
    expect(full(4, () => 0)).toBe(100);
    expect(full(30, () => 1)).toBe(10_000);
  });
});
