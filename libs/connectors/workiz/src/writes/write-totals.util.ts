import { commandTotals, Money, type CommandTotalsInput } from '@fieldsync/canonical-model';
import { VendorWriteError } from '@fieldsync/connector-kit';

/**
 * Workiz's arithmetic for `commandTotals`: a line's total is its quantity × price in cents; an estimate has
 * no tax or discount, and an invoice's tax is Workiz's own (its tax zone on the taxable lines), so the
 * command's subtotal is what is compared (a command states no taxes or discounts: those fields are not
 * carried).
 */
export const WORKIZ_TOTALS = { taxableByDefault: true, discountsLowerTaxBase: true } as const;

/** The command's subtotal in minor units. */
export const expectedSubtotal = (input: CommandTotalsInput): number =>
  commandTotals(input, WORKIZ_TOTALS).subtotal;

/** Throws when Workiz's subtotal (dollars) is not the command's, naming both. */
export function checkSubtotal(
  what: string,
  vendorDollars: number,
  expectedMinor: number,
  currency: string,
): void {
  const got = Money.parse(vendorDollars, currency).amountMinor;
  if (got !== expectedMinor) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Workiz ${what}: subtotal ${Money.ofMinor(got, currency).toDecimalString()} differs from the command's ${Money.ofMinor(expectedMinor, currency).toDecimalString()}`,
      { field: 'payload.lineItems' },
    );
  }
}
