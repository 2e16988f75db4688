import { z } from 'zod';
import { CurrencyCode, isSupportedCurrency } from '../money/currency.constants';
import { Money } from '../money/money.util';
import { compareTimestamps } from './timestamp.schema';

/** Adds an issue at `endKey` when both ends are set and end < start (equal is allowed: zero-length). */
export function checkWindowOrder(
  ctx: z.RefinementCtx,
  value: Record<string, unknown>,
  startKey: string,
  endKey: string,
  path: (string | number)[] = [],
): void {
  const start = value[startKey];
  const end = value[endKey];
  if (typeof start === 'string' && typeof end === 'string' && compareTimestamps(end, start) < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${endKey} must not be before ${startKey}`,
      path: [...path, endKey],
    });
  }
}

/** Same as checkWindowOrder for `YYYY-MM-DD` dates (lexicographic order is chronological). */
export function checkDateOrder(
  ctx: z.RefinementCtx,
  value: Record<string, unknown>,
  startKey: string,
  endKey: string,
): void {
  const start = value[startKey];
  const end = value[endKey];
  if (typeof start === 'string' && typeof end === 'string' && end < start) {
    ctx.addIssue({ code: 'custom', message: `${endKey} must not be before ${startKey}`, path: [endKey] });
  }
}

function minor(amount: number, currency: CurrencyCode): bigint | undefined {
  try {
    return BigInt(Money.fromAmount(amount, currency).amountMinor);
  } catch {
    return undefined; // precision problems are reported by checkMoneyPrecision
  }
}

/**
 * Checks, in integer minor units, that `value[resultKey]` = Σ(added) − Σ(subtracted). Null terms count as
 * zero; a null result skips the check. Reports at `resultKey` with the expected amount.
 */
export function checkMoneyEquation(
  ctx: z.RefinementCtx,
  value: Record<string, unknown>,
  resultKey: string,
  added: readonly string[],
  subtracted: readonly string[],
  path: (string | number)[] = [],
): void {
  const currency = value['currency'];
  const result = value[resultKey];
  if (typeof currency !== 'string' || !isSupportedCurrency(currency) || typeof result !== 'number') return;
  let expected = 0n;
  for (const [keys, sign] of [
    [added, 1n],
    [subtracted, -1n],
  ] as const) {
    for (const key of keys) {
      const term = value[key];
      if (term === null || term === undefined) continue;
      if (typeof term !== 'number') return;
      const m = minor(term, currency);
      if (m === undefined) return;
      expected += sign * m;
    }
  }
  const actual = minor(result, currency);
  if (actual === undefined || actual === expected) return;
  const formula = [added.join(' + '), ...subtracted.map((key) => `- ${key}`)].join(' ');
  ctx.addIssue({
    code: 'custom',
    message: `${resultKey} must equal ${formula} (expected ${Money.ofMinor(expected, currency).toDecimalString()}, got ${Money.ofMinor(actual, currency).toDecimalString()})`,
    path: [...path, resultKey],
  });
}
