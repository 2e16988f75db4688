/**
 * Every property name that holds a money amount anywhere in the canonical model (entities, events,
 * commands, results). Money amounts are JSON numbers in major units (`1403.5`) with a `currency` on the
 * same object or an enclosing one. The list drives two things: `stringifyCanonical` writes these fields
 * with exactly the currency's decimals (`1403.50`), and `checkMoneyPrecision` rejects amounts more precise
 * than the currency. A spec proves it matches the schemas: every field built with `moneyAmountSchema` is
 * listed here and no non-money field uses one of these names.
 */
export const MONEY_FIELD_NAMES: ReadonlySet<string> = new Set([
  'amount',
  'amountApplied',
  'amountPaid',
  'balance',
  'balanceRemaining',
  'cost',
  'discount',
  'fee',
  'memberPrice',
  'price',
  'refundedAmount',
  'shipping',
  'subtotal',
  'tax',
  'tipAmount',
  'total',
  'unitCost',
  'unitPrice',
]);
