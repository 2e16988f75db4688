import { commandTotals, Money, type CommandTotalsInput } from '@fieldsync/canonical-model';
import { VendorWriteError } from '@fieldsync/connector-kit';

/**
 * Jobber's invoice arithmetic for `commandTotals`: a line is taxable unless it says not (a command that
 * states taxes means them for its lines), and taxes apply to the taxable lines less the discount.
 */
export const JOBBER_TOTALS = { taxableByDefault: true, discountsLowerTaxBase: true } as const;

/** Integer minor units. */
export interface MinorTotals {
  readonly subtotal: number;
  readonly discount: number;
  readonly tax: number;
  readonly total: number;
}

/** What the command should come to at Jobber, in minor units. */
export function expectedTotals(input: CommandTotalsInput): MinorTotals {
  const { subtotal, discount, tax, total } = commandTotals(input, JOBBER_TOTALS);
  return { subtotal, discount, tax, total };
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

/**
 * Verify-after-write of a quote's or invoice's money: Jobber's amounts against what the command comes
 * to. A mismatch is the vendor disagreeing with the command (vendor_rejected on its line items).
 */
export function assertTotals(
  what: string,
  number: string,
  input: CommandTotalsInput,
  amounts: { subtotal: number; discountAmount: number; taxAmount: number; total: number },
): void {
  const mismatch = totalsMismatch(
    expectedTotals(input),
    vendorTotals(amounts, input.currency),
    input.currency,
    (input.taxes?.length ?? 0) > 0,
  );
  if (mismatch !== undefined) {
    throw new VendorWriteError('vendor_rejected', `Jobber ${what} ${number}: ${mismatch}`, {
      field: 'payload.lineItems',
    });
  }
}
