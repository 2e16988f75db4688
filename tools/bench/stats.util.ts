import type { LatencySummary } from './bench.types';

/** Nearest-rank percentile (0 < p ≤ 100) of ascending-sorted samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** p50/p90/p99/max/mean of the first `length` samples (milliseconds), rounded to microseconds. */
export function summarize(samples: Float64Array, of: string, length = samples.length): LatencySummary {
  const sorted = samples.slice(0, length).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    of,
    samples: sorted.length,
    p50: round3(percentile(sorted, 50)),
    p90: round3(percentile(sorted, 90)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted[sorted.length - 1] ?? 0),
    mean: round3(sum / Math.max(1, sorted.length)),
  };
}

/** count per second over wallMs, as a whole number. */
export function ratePerSec(count: number, wallMs: number): number {
  return wallMs <= 0 ? 0 : Math.round((count * 1000) / wallMs);
}
