import { faultsInputSchema } from './fault.schema';
import { FaultSwitch } from './fault-switch';

const set = (faults: FaultSwitch, input: unknown) => faults.set(faultsInputSchema.parse(input));

describe('FaultSwitch', () => {
  const clock = () => Date.UTC(2026, 0, 1);

  it('answers nothing when no fault is set', () => {
    const faults = new FaultSwitch(1, clock);
    expect(Array.from({ length: 50 }, () => faults.decide().kind)).toEqual(Array(50).fill('none'));
  });

  it('rate-limits exactly the next N requests with Retry-After', () => {
    const faults = new FaultSwitch(1, clock);
    set(faults, { rateLimit: { next: 2, retryAfterSeconds: 7 } });
    expect(faults.decide()).toEqual({ kind: 'rateLimit', retryAfter: '7' });
    expect(faults.decide()).toEqual({ kind: 'rateLimit', retryAfter: '7' });
    expect(faults.decide()).toEqual({ kind: 'none' });
  });

  it('gives Retry-After as an HTTP date when asked', () => {
    const faults = new FaultSwitch(1, clock);
    set(faults, { rateLimit: { next: 1, retryAfterSeconds: 60, retryAfterFormat: 'http-date' } });
    expect(faults.decide()).toEqual({ kind: 'rateLimit', retryAfter: 'Thu, 01 Jan 2026 00:01:00 GMT' });
  });

  it('draws rates from a seeded PRNG: the same seed repeats the same sequence', () => {
    const run = (seed: number) => {
      const faults = new FaultSwitch(1, clock);
      set(faults, { seed, serverError: { rate: 0.3, status: 502 } });
      return Array.from({ length: 200 }, () => faults.decide().kind);
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    const errors = a.filter((k) => k === 'serverError').length;
    expect(errors).toBeGreaterThan(40);
    expect(errors).toBeLessThan(80);
  });

  it('renames drifted keys at any depth and leaves values alone', () => {
    const faults = new FaultSwitch(1, clock);
    set(faults, { drift: [{ from: 'modifiedOn', to: 'modifiedAt' }] });
    expect(faults.drift({ data: [{ id: 1, modifiedOn: 'modifiedOn' }], modifiedOn: null })).toEqual({
      data: [{ id: 1, modifiedAt: 'modifiedOn' }],
      modifiedAt: null,
    });
  });

  it('is cleared back to no faults and the standard login page', () => {
    const faults = new FaultSwitch(1, clock);
    set(faults, { loginPage: 'changed', latencyMs: 20, rateLimit: { rate: 1 } });
    expect(faults.loginVariant()).toBe('changed');
    faults.clear();
    expect(faults.get()).toEqual({
      seed: 1,
      rateLimit: null,
      serverError: null,
      latencyMs: 0,
      drift: [],
      loginPage: 'standard',
    });
  });

  it('rejects a rate limit with both or neither of rate and next', () => {
    expect(faultsInputSchema.safeParse({ rateLimit: { rate: 0.5, next: 2 } }).success).toBe(false);
    expect(faultsInputSchema.safeParse({ rateLimit: {} }).success).toBe(false);
    expect(faultsInputSchema.safeParse({ unknown: 1 }).success).toBe(false);
  });
});
