import { commandTotals, type CommandTotals, type CommandTotalsInput } from '@fieldsync/canonical-model';
import { VendorWriteError } from '@fieldsync/connector-kit';

/**
 * Housecall Pro's invoice arithmetic for `commandTotals`: a line is taxable unless it says not (the
 * LineItemCreate default), and a discount lowers the taxable base. The tax rate is the service area's,
 * which the command does not know, so only the subtotal is compared (the writes carry no taxes).
 */
export const HOUSECALLPRO_TOTALS = { taxableByDefault: true, discountsLowerTaxBase: true } as const;

/** What a quote or invoice command should come to at Housecall Pro, in minor units. */
export function expectedTotals(input: CommandTotalsInput): CommandTotals {
  return commandTotals(input, HOUSECALLPRO_TOTALS);
}

/**
 * Verify-after-write: Housecall Pro's subtotal (integer cents) against what the command's lines come to.
 * A mismatch is the vendor disagreeing with the command (vendor_rejected on its line items).
 */
export function assertSubtotal(what: string, input: CommandTotalsInput, vendorSubtotalCents: number): void {
  const expected = expectedTotals(input).subtotal;
  if (expected !== vendorSubtotalCents) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Housecall Pro ${what}: subtotal ${String(vendorSubtotalCents)} cents differs from the lines' ${String(expected)}`,
      { field: 'payload.lineItems' },
    );
  }
}
