import { Money } from '@fieldsync/canonical-model';

/**
 * The totals a quote or an invoice should have, computed from the command in minor units, to compare with
 * what Jobber computed after the write (verify-after-write): a line is quantity × unit price rounded
 * half-up to the cent, discounts come off the subtotal (a percentage of it, or an amount), taxes are
 * each a percentage of the taxable base (the taxable lines less the discount, never below zero), each
 * rounded on its own as Jobber prints them.
 */
export interface TotalsLine {
  readonly quantity: number;
  /** Major units, exact to the currency (a canonical amount). */
  readonly unitPrice: number;
  /** Left out: taxable (a command that states taxes means them for its lines). */
  readonly taxable?: boolean;
}

export type TotalsDiscount =
  | { readonly type: 'percent'; readonly percent: number }
  | { readonly type: 'amount'; readonly amount: number };

export interface TotalsInput {
  readonly currency: string;
  readonly lineItems: readonly TotalsLine[];
  readonly discounts?: readonly TotalsDiscount[];
  readonly taxes?: readonly { readonly ratePercent: number }[];
}

/** Integer minor units. */
export interface MinorTotals {
  readonly subtotal: number;
  readonly discount: number;
  readonly tax: number;
  readonly total: number;
}

export function expectedTotals(input: TotalsInput): MinorTotals {
  const { currency } = input;
  const lines = input.lineItems.map((line) => ({
    total: Money.fromAmount(line.unitPrice, currency).multiply(line.quantity),
    taxable: line.taxable ?? true,
  }));
  const subtotal = Money.sum(
    lines.map((l) => l.total),
    currency,
  );
  const discount = Money.sum(
    (input.discounts ?? []).map((d) =>
      d.type === 'percent' ? subtotal.percentage(d.percent) : Money.fromAmount(d.amount, currency),
    ),
    currency,
  );
  const taxableLines = Money.sum(
    lines.filter((l) => l.taxable).map((l) => l.total),
    currency,
  );
  const base = taxableLines.subtract(discount);
  const taxBase = base.isNegative() ? Money.zero(currency) : base;
  const tax = Money.sum(
    (input.taxes ?? []).map((t) => taxBase.percentage(t.ratePercent)),
    currency,
  );
  return {
    subtotal: subtotal.amountMinor,
    discount: discount.amountMinor,
    tax: tax.amountMinor,
    total: subtotal.subtract(discount).add(tax).amountMinor,
  };
}

/** Jobber's Float dollars (`amounts { subtotal discountAmount taxAmount total }`) in minor units. */
export function vendorTotals(
  amounts: { subtotal: number; discountAmount: number; taxAmount: number; total: number },
  currency: string,
): MinorTotals {
  const minor = (dollars: number) => Money.parse(dollars, currency).amountMinor;
  return {
    subtotal: minor(amounts.subtotal),
    discount: minor(amounts.discountAmount),
    tax: minor(amounts.taxAmount),
    total: minor(amounts.total),
  };
}

/**
 * Where the vendor's totals differ from the computed ones, as `vendor <field> X differs from computed Y`,
 * or undefined when they agree. Tax and total are compared only when the command stated its taxes
 * (`withTax`): without them the vendor's own tax rule for the property decides, which the command does
 * not know.
 */
export function totalsMismatch(
  expected: MinorTotals,
  vendor: MinorTotals,
  currency: string,
  withTax: boolean,
): string | undefined {
  const fields: (keyof MinorTotals)[] = withTax
    ? ['subtotal', 'discount', 'tax', 'total']
    : ['subtotal', 'discount'];
  const major = (minor: number) => Money.ofMinor(minor, currency).toString();
  const wrong = fields.filter((f) => expected[f] !== vendor[f]);
  if (wrong.length === 0) return undefined;
  return wrong
    .map((f) => `vendor ${f} ${major(vendor[f])} differs from computed ${major(expected[f])}`)
    .join('; ');
}
