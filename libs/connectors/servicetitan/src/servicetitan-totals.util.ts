import { toMinor, type CurrencyCode } from '@fieldsync/canonical-model';

/** round-half-up(numerator / denominator) on integers (exact below 2^53), away from zero for negatives. */
function divideHalfUp(numerator: number, denominator: number): number {
  if (numerator < 0) return -divideHalfUp(-numerator, denominator);
  return Math.floor((numerator * 2 + denominator) / (denominator * 2));
}

export interface TotalsInput {
  readonly currency: CurrencyCode;
  readonly lineItems: readonly { quantity: number; unitPrice: number; taxable?: boolean | undefined }[];
  readonly discounts?: readonly ({ type: 'percent'; percent: number } | { type: 'amount'; amount: number })[];
  readonly taxes?: readonly { ratePercent: number }[];
}

export interface Totals {
  /** Each line's total in minor units, in order. */
  readonly lines: readonly number[];
  /** Σ line totals. */
  readonly subTotal: number;
  /** Each discount in minor units (positive), in order; percent discounts are of the subtotal. */
  readonly discounts: readonly number[];
  readonly discount: number;
  /** Σ over taxes of the rate on the taxable lines (discounts are not taxable: they lower the total only). */
  readonly tax: number;
  /** subTotal − discount + tax. */
  readonly total: number;
}

/**
 * What an invoice (or estimate) of the command should come to, in minor units, the way ServiceTitan
 * computes it: line = round-half-up(quantity × unit price); a percent discount is of the subtotal,
 * half-up; each tax is round-half-up(taxable base × rate); the base is the taxable lines before
 * discounts (ServiceTitan's price-modifier lines from the API are not taxable). Quantities are exact
 * to thousandths, rates and percents to ten-thousandths of a percent.
 */
export function commandTotals(input: TotalsInput): Totals {
  const lines = input.lineItems.map((line) =>
    divideHalfUp(Math.round(line.quantity * 1000) * toMinor(line.unitPrice, input.currency), 1000),
  );
  const subTotal = lines.reduce((sum, n) => sum + n, 0);
  const discounts = (input.discounts ?? []).map((d) =>
    d.type === 'amount'
      ? toMinor(d.amount, input.currency)
      : divideHalfUp(subTotal * Math.round(d.percent * 10_000), 1_000_000),
  );
  const discount = discounts.reduce((sum, n) => sum + n, 0);
  const taxableBase = input.lineItems.reduce(
    (sum, line, i) => (line.taxable === true ? sum + (lines[i] ?? 0) : sum),
    0,
  );
  const tax = (input.taxes ?? []).reduce(
    (sum, t) => sum + divideHalfUp(Math.max(0, taxableBase) * Math.round(t.ratePercent * 10_000), 1_000_000),
    0,
  );
  return { lines, subTotal, discounts, discount, tax, total: subTotal - discount + tax };
}

/** Minor units → a major-unit number (`12345`, USD → 123.45), exact for the currency's exponent. */
export function fromMinor(minor: number, exponent: number): number {
  return Number((minor / 10 ** exponent).toFixed(exponent));
}

/** A ServiceTitan decimal string ("4458.92") → minor units of a currency with `exponent` decimals. */
export function decimalToMinor(value: string, exponent: number): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal amount: ${value}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const digits = fraction.padEnd(exponent + 1, '0');
  const kept = Number(whole) * 10 ** exponent + Number(digits.slice(0, exponent) || '0');
  const roundUp = Number(digits.charAt(exponent) || '0') >= 5 ? 1 : 0;
  const minor = kept + roundUp;
  return sign === '-' ? -minor : minor;
}
