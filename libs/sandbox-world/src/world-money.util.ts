import type { WorldLineItem } from './world.schema';

/** Integer-cent arithmetic of invoices and estimates: no floating point anywhere near money. */

/** round-half-up(numerator / denominator) for non-negative integers (exact below 2^53). */
export function divideHalfUp(numerator: number, denominator: number): number {
  if (numerator < 0) return -divideHalfUp(-numerator, denominator);
  return Math.floor((numerator * 2 + denominator) / (denominator * 2));
}

/** A line's total: round-half-up(quantity in thousandths × unit price in cents / 1000). */
export function lineTotal(quantityMilli: number, unitPrice: number): number {
  return divideHalfUp(quantityMilli * unitPrice, 1000);
}

/** Tax in cents on a base in cents at a rate in parts per million, half-up to the cent. */
export function taxOn(baseCents: number, ratePpm: number): number {
  return divideHalfUp(Math.max(0, baseCents) * ratePpm, 1_000_000);
}

export interface InvoiceTotals {
  readonly subTotal: number;
  readonly discount: number;
  readonly salesTax: number;
  readonly total: number;
}

/**
 * subTotal = Σ non-discount lines; discount = −Σ discount lines; tax on Σ taxable lines (a taxable
 * discount lowers the taxable base, never below zero); total = subTotal − discount + tax.
 */
export function invoiceTotals(items: readonly WorldLineItem[], taxRatePpm: number): InvoiceTotals {
  let subTotal = 0;
  let discount = 0;
  let taxableBase = 0;
  for (const item of items) {
    if (item.type === 'Discount') discount -= item.total;
    else subTotal += item.total;
    if (item.taxable) taxableBase += item.total;
  }
  const salesTax = taxOn(taxableBase, taxRatePpm);
  return { subTotal, discount, salesTax, total: subTotal - discount + salesTax };
}

/** Σ of line totals (an estimate option's subtotal). */
export function sumLines(items: readonly WorldLineItem[]): number {
  let sum = 0;
  for (const item of items) sum += item.total;
  return sum;
}

/** "1234.5" style decimal dollars from cents, for renderers that send decimal strings or floats. */
export function centsToDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
