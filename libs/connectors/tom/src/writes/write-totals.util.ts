import type { CommandTotals, CommandTotalsInput } from '@fieldsync/canonical-model';

/**
 * What a quote or invoice command should come to at Total Office Manager, in minor units: `commandTotals`
 * (canonical-model) with the vendor's own arithmetic (`taxableByDefault`: is an item taxable unless the
 * command says otherwise; `discountsLowerTaxBase`). Not known yet: read it off the vendor's invoices. The
 * quote and invoice writes compare the vendor's totals with this before they report success.
 */
export function expectedTotals(_input: CommandTotalsInput): CommandTotals {
  throw new Error(
    "not implemented: expectedTotals (writes/write-totals.util.ts) needs Total Office Manager's invoice arithmetic",
  );
}
