import { Money } from '../money/money.util';

/**
 * The totals an invoice or a quote command should come to, in minor units, computed from the command
 * the way the vendor computes them, to check against what the vendor stored (verify-after-write).
 * Lines: quantity × unit price, rounded half-up; discounts: an amount, or a percentage of the subtotal
 * (half-up); taxes: each a percentage of the taxable base, rounded on its own. Vendors differ in the
 * taxable base, which `policy` states.
 */
export interface CommandTotalsInput {
  readonly currency: string;
  readonly lineItems: readonly {
    readonly quantity: number;
    /** Major units, exact to the currency (a canonical amount). */
    readonly unitPrice: number;
    readonly taxable?: boolean | undefined;
  }[];
  readonly discounts?: readonly (
    | { readonly type: 'percent'; readonly percent: number }
    | { readonly type: 'amount'; readonly amount: number }
  )[];
  readonly taxes?: readonly { readonly ratePercent: number }[];
}

export interface CommandTotalsPolicy {
  /** A line that does not say: taxable (Jobber: a command that states taxes means them for its lines) or not (ServiceTitan's API lines). */
  readonly taxableByDefault: boolean;
  /** Discounts lower the taxable base (Jobber, never below zero) or only the total (ServiceTitan's price-modifier lines). */
  readonly discountsLowerTaxBase: boolean;
}

/** Integer minor units. */
export interface CommandTotals {
  /** Each line's total, in order. */
  readonly lines: readonly number[];
  readonly subtotal: number;
  /** Each discount (positive), in order. */
  readonly discounts: readonly number[];
  readonly discount: number;
  readonly tax: number;
  /** subtotal − discount + tax. */
  readonly total: number;
}

export function commandTotals(input: CommandTotalsInput, policy: CommandTotalsPolicy): CommandTotals {
  const { currency } = input;
  const lines = input.lineItems.map((line) => ({
    total: Money.fromAmount(line.unitPrice, currency).multiply(line.quantity),
    taxable: line.taxable ?? policy.taxableByDefault,
  }));
  const subtotal = Money.sum(
    lines.map((l) => l.total),
    currency,
  );
  const discounts = (input.discounts ?? []).map((d) =>
    d.type === 'percent' ? subtotal.percentage(d.percent) : Money.fromAmount(d.amount, currency),
  );
  const discount = Money.sum(discounts, currency);
  const taxableLines = Money.sum(
    lines.filter((l) => l.taxable).map((l) => l.total),
    currency,
  );
  const base = policy.discountsLowerTaxBase ? taxableLines.subtract(discount) : taxableLines;
  const taxBase = base.isNegative() ? Money.zero(currency) : base;
  const tax = Money.sum(
    (input.taxes ?? []).map((t) => taxBase.percentage(t.ratePercent)),
    currency,
  );
  return {
    lines: lines.map((l) => l.total.amountMinor),
    subtotal: subtotal.amountMinor,
    discounts: discounts.map((d) => d.amountMinor),
    discount: discount.amountMinor,
    tax: tax.amountMinor,
    total: subtotal.subtract(discount).add(tax).amountMinor,
  };
}
