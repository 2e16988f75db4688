import { Money, type Invoice, type InvoiceStatus } from '@fieldsync/canonical-model';
import type { ServiceTitanInvoice } from '../servicetitan.schemas';
import { mapInvoiceLines } from './line-item.mapper';
import { canonicalBase, canonicalRef, dateOf, textOrNull, utc, type MappingScope } from './mapping.util';

/**
 * A ServiceTitan invoice. Its status follows from deletion and balance (ServiceTitan's own `syncStatus`
 * is kept as vendorStatus); it carries no sent or paid times.
 */
export function mapInvoice(i: ServiceTitanInvoice, scope: MappingScope): Invoice {
  const { record, currency } = scope;
  const modified = utc(i.modifiedOn);
  const total = Money.parse(i.total, currency);
  const balance = Money.parse(i.balance, currency);
  const tax = Money.parse(i.salesTax, currency);
  let status: InvoiceStatus;
  if (record.deleted) status = 'void';
  else if (balance.amountMinor <= 0) status = 'paid';
  else if (balance.compare(total) < 0) status = 'partially_paid';
  else status = 'open';
  const lines = mapInvoiceLines(i.items, scope);
  const discountLines = lines.filter((line) => line.kind === 'discount');
  const discount = Money.sum(
    discountLines.map((line) => Money.fromAmount(-line.total, currency)),
    currency,
  );
  return {
    ...canonicalBase('invoice', scope, {
      createdAt: i.invoiceDate === null ? modified : utc(i.invoiceDate),
      updatedAt: modified,
    }),
    number: textOrNull(i.referenceNumber),
    status,
    vendorStatus: i.syncStatus,
    customerId: canonicalRef(scope, 'customer', i.customer.id),
    locationId: null,
    jobId: i.job === null ? null : canonicalRef(scope, 'job', i.job.id),
    currency,
    lineItems: lines,
    taxes:
      i.salesTaxCode === null
        ? []
        : [
            {
              name: i.salesTaxCode.name ?? String(i.salesTaxCode.id),
              ratePercent: i.salesTaxCode.taxRate,
              amount: tax.toAmount(),
            },
          ],
    // Discounts are negative PriceModifier lines, already inside subTotal (total = subTotal + salesTax):
    // the canonical subtotal is before them, and each is itemised.
    discounts: discountLines.map((line) => ({
      name: textOrNull(line.name),
      percent: null,
      amount: -line.total,
    })),
    subtotal: Money.parse(i.subTotal, currency).add(discount).toAmount(),
    discount: discount.toAmount(),
    tax: tax.toAmount(),
    total: total.toAmount(),
    amountPaid: total.subtract(balance).toAmount(),
    balance: balance.toAmount(),
    issuedDate: dateOf(i.invoiceDate),
    dueDate: dateOf(i.dueDate),
    sentAt: null,
    paidAt: null,
    voidedAt: record.deleted ? modified : null,
    documentUrl: null,
    memo: textOrNull(i.summary),
  };
}
