import { z } from 'zod';
import {
  CURRENCY_EXPONENTS,
  CurrencyCode,
  MAX_CURRENCY_EXPONENT,
  MAX_MINOR_UNITS,
  SUPPORTED_CURRENCIES,
  isSupportedCurrency,
} from './currency.constants';
import { parseDecimal, significantDecimals } from './decimal.util';
import { MONEY_FIELD_NAMES } from './money-fields.constants';
import { Money } from './money.util';

export const currencySchema = z.enum(SUPPORTED_CURRENCIES, {
  error: (issue) =>
    `unsupported currency ${JSON.stringify(issue.input)}; expected an ISO 4217 code such as USD, CAD, GBP, EUR or AUD`,
});

function decimalsOf(value: number): number {
  return significantDecimals(parseDecimal(value));
}

/**
 * A money amount inside a canonical object: a JSON number in MAJOR units (`1403`, `1403.5`), exact to the
 * currency's minor unit, with the currency given by a `currency` field on the same or an enclosing object.
 * Alone this schema checks ≤ 3 decimals and the range; objects that carry money also run
 * `checkMoneyPrecision` to hold each amount to its currency's exponent (2 for USD). Marked with
 * `format: money` so the JSON Schema (and the consistency spec) can find every money field.
 */
export const moneyAmountSchema = z
  .number()
  .meta({ format: 'money' })
  .superRefine((value, ctx) => {
    if (decimalsOf(value) > MAX_CURRENCY_EXPONENT) {
      ctx.addIssue({ code: 'custom', message: `money amount ${String(value)} has too many decimals` });
    } else if (Math.abs(value) * 10 ** MAX_CURRENCY_EXPONENT > MAX_MINOR_UNITS * 1000) {
      ctx.addIssue({ code: 'custom', message: `money amount ${String(value)} is out of range` });
    }
  });

export const nonNegativeMoneyAmountSchema = moneyAmountSchema.refine(
  (value) => value >= 0,
  'must not be negative',
);
export const positiveMoneyAmountSchema = moneyAmountSchema.refine(
  (value) => value > 0,
  'must be greater than zero',
);

/** A standalone money value as JSON: `{ "amount": 1403.5, "currency": "USD" }`. */
export const moneyJsonSchema = z.strictObject({ amount: moneyAmountSchema, currency: currencySchema });

/**
 * Codec between the JSON form `{ amount, currency }` and the `Money` class (integer minor units):
 * `moneyCodec.decode({ amount: 1403.5, currency: 'USD' })` → Money(140350 USD);
 * `moneyCodec.encode(money)` → `{ amount: 1403.5, currency: 'USD' }`. Decoding is exact (an amount more
 * precise than the currency fails), never rounded.
 */
export const moneyCodec = z.codec(
  moneyJsonSchema,
  z.custom<Money>((value) => value instanceof Money, 'expected a Money'),
  {
    decode: (json, ctx) => {
      try {
        return Money.fromAmount(json.amount, json.currency);
      } catch (error) {
        ctx.issues.push({
          code: 'custom',
          message: error instanceof Error ? error.message : 'invalid money',
          input: json,
          path: ['amount'],
        });
        return z.NEVER;
      }
    },
    encode: (money) => ({ amount: money.toAmount(), currency: money.currency }),
  },
);

export type MoneyJson = z.infer<typeof moneyJsonSchema>;

interface MoneyPrecisionIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

function collectIssues(
  value: unknown,
  currency: CurrencyCode | undefined,
  path: (string | number)[],
  issues: MoneyPrecisionIssue[],
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectIssues(item, currency, [...path, index], issues));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const own = record['currency'];
  const scope = typeof own === 'string' && isSupportedCurrency(own) ? own : currency;
  for (const [key, child] of Object.entries(record)) {
    if (MONEY_FIELD_NAMES.has(key) && typeof child === 'number') {
      if (!scope) {
        issues.push({
          path: [...path, key],
          message: `money field ${key} has no currency on it or its parents`,
        });
      } else if (Number.isFinite(child) && decimalsOf(child) > CURRENCY_EXPONENTS[scope]) {
        issues.push({
          path: [...path, key],
          message: `${String(child)} has more than ${CURRENCY_EXPONENTS[scope]} decimals for ${scope}`,
        });
      }
    } else {
      collectIssues(child, scope, [...path, key], issues);
    }
  }
}

/**
 * zod `superRefine` step for any object that carries money: every money field must be exact to the
 * exponent of the nearest `currency` (its own object's or an ancestor's), and must have one.
 */
export function checkMoneyPrecision(value: unknown, ctx: z.RefinementCtx): void {
  const issues: MoneyPrecisionIssue[] = [];
  collectIssues(value, undefined, [], issues);
  for (const issue of issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
}

/** Minor units of a canonical amount whose precision was already validated (no rounding happens). */
export function toMinor(amount: number, currency: CurrencyCode): number {
  return Money.fromAmount(amount, currency).amountMinor;
}
