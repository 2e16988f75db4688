import {
  Money,
  commandTotals,
  type CommandTotals,
  type CommandTotalsInput,
} from '@fieldsync/canonical-model';

/**
 * ServiceTitan's invoice arithmetic for `commandTotals`: an API item is taxable only when the command
 * says so (items carry no tax flag; the write sends the tax it computes), and discounts are
 * price-modifier lines that lower the total only, never the taxable base.
 */
export const SERVICETITAN_TOTALS = { taxableByDefault: false, discountsLowerTaxBase: false } as const;

/** What a quote or invoice command should come to at ServiceTitan, in minor units. */
export function expectedTotals(input: CommandTotalsInput): CommandTotals {
  return commandTotals(input, SERVICETITAN_TOTALS);
}

/** An invoice's money as ServiceTitan reads it back (decimal strings; `subTotal` is net of discounts). */
export interface ServiceTitanInvoiceTotals {
  readonly subTotal: string;
  readonly salesTax: string;
  readonly total: string;
}

/**
 * Where ServiceTitan's invoice differs from what the command comes to, as `vendor <field> X differs from
 * computed Y` joined by `; `, or undefined when they agree. ServiceTitan's `subTotal` already holds the
 * discount lines, so it is compared with subtotal − discount.
 */
export function invoiceTotalsMismatch(
  expected: CommandTotals,
  vendor: ServiceTitanInvoiceTotals,
  currency: string,
): string | undefined {
  const minor = (value: string) => Money.parse(value, currency).amountMinor;
  return mismatch(
    [
      ['subTotal', minor(vendor.subTotal), expected.subtotal - expected.discount],
      ['salesTax', minor(vendor.salesTax), expected.tax],
      ['total', minor(vendor.total), expected.total],
    ],
    currency,
  );
}

/**
 * Where ServiceTitan's estimate differs from the quote command: the sum of its items' totals (decimal
 * dollars; an estimate shows no tax, and the API takes no discount) against the computed subtotal;
 * undefined when they agree.
 */
export function estimateTotalsMismatch(
  expected: CommandTotals,
  itemTotals: readonly number[],
  currency: string,
): string | undefined {
  const sum = itemTotals.reduce((acc, total) => acc + Money.parse(total, currency).amountMinor, 0);
  return mismatch([['items total', sum, expected.subtotal]], currency);
}

/** `vendor <field> X differs from computed Y` for each pair (minor units) that differs. */
function mismatch(pairs: readonly [string, number, number][], currency: string): string | undefined {
  const text = (minor: number) => Money.ofMinor(minor, currency).toString();
  const wrong = pairs
    .filter(([, vendor, computed]) => vendor !== computed)
    .map(
      ([field, vendor, computed]) =>
        `vendor ${field} ${text(vendor)} differs from computed ${text(computed)}`,
    );
  return wrong.length === 0 ? undefined : wrong.join('; ');
}
