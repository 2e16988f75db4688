/** First index i with values[i] > target (values ascending). */
export function upperBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with values[i] ≥ target (values ascending, integers). */
export function lowerBound(values: readonly number[], target: number): number {
  return upperBound(values, target - 1);
}
