/** A duration option in ms that must be a positive integer; `fallback` when not given. */
export function positiveMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`SessionClient: ${name} must be a positive integer (ms)`);
  }
  return value;
}

/** A duration option in ms that must be a non-negative integer; `fallback` when not given. */
export function nonNegativeMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`SessionClient: ${name} must be a non-negative integer (ms)`);
  }
  return value;
}
