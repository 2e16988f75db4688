import { backoffDelayMs } from './backoff.util';

describe('backoffDelayMs', () => {
  it('doubles per attempt between half and all of the step', () => {
    expect(backoffDelayMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(backoffDelayMs(3, 1_000, 60_000, () => 0)).toBe(2_000);
    expect(backoffDelayMs(3, 1_000, 60_000, () => 1)).toBe(4_000);
  });

  it('never exceeds the cap however many attempts', () => {
    for (let attempt = 1; attempt < 60; attempt += 1) {
      expect(backoffDelayMs(attempt, 5_000, 900_000, () => 1)).toBeLessThanOrEqual(900_000);
    }
    expect(backoffDelayMs(40, 5_000, 900_000, () => 0)).toBe(450_000);
  });
});
