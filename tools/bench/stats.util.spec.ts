import { percentile, ratePerSec, summarize } from './stats.util';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of sorted samples', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('summarises unsorted samples numerically (not as strings) and only the filled prefix', () => {
    const samples = new Float64Array([10, 9, 100, 2, 0, 0]);
    const s = summarize(samples, 'x', 4);
    expect(s).toEqual({ of: 'x', samples: 4, p50: 9, p90: 100, p99: 100, max: 100, mean: 30.25 });
  });

  it('computes a rate per second', () => {
    expect(ratePerSec(50_000, 2_000)).toBe(25_000);
    expect(ratePerSec(1, 0)).toBe(0);
  });
});
