import type { Invoice, InvoiceStatus } from '@fieldsync/canonical-model';
import { type JobberInvoice, JOBBER_INVOICE_STATUSES } from '../jobber.schemas';
import { mapLineItems } from './line-item.mapper';
import {
  JOBBER_CURRENCY,
  canonicalBase,
  canonicalRef,
  localDate,
  money,
  textOrNull,
  utc,
  utcOrNull,
  type MappingScope,
} from './mapping.util';

/*
 * A Jobber invoice: its first job and first property, amounts as Jobber sums them. Issued and due dates
 * keep the calendar date Jobber shows (the local date before the offset). Jobber has no sent or void
 * times on an invoice.
 */

type InvoiceStatusValue = (typeof JOBBER_INVOICE_STATUSES)[number];
function invoiceStatus(status: InvoiceStatusValue, paid: number): InvoiceStatus {
  switch (status) {
    case 'draft':
      return 'draft';
    case 'paid':
      return 'paid';
    case 'bad_debt':
      return 'void';
    case 'awaiting_payment':
    case 'past_due':
    case 'sent_not_due':
      return paid > 0 ? 'partially_paid' : 'open';
  }
}

export function mapInvoice(i: JobberInvoice, scope: MappingScope): Invoice {
  const paid = money(i.amounts.paymentsTotal);
  const status = invoiceStatus(i.invoiceStatus, paid);
  const job = i.jobs?.nodes[0];
  const property = i.properties?.nodes[0];
  return {
    ...canonicalBase('invoice', i.id, scope, { createdAt: utc(i.createdAt), updatedAt: utc(i.updatedAt) }),
    number: i.invoiceNumber,
    status,
    vendorStatus: i.invoiceStatus,
    customerId: canonicalRef(scope, 'customer', i.client.id),
    locationId: property ? canonicalRef(scope, 'location', property.id) : null,
    jobId: job ? canonicalRef(scope, 'job', job.id) : null,
    currency: JOBBER_CURRENCY,
    lineItems: mapLineItems(i.lineItems?.nodes, scope),
    taxes: [],
    discounts: [],
    subtotal: money(i.amounts.subtotal),
    discount: money(i.amounts.discountAmount),
    tax: money(i.amounts.taxAmount),
    total: money(i.amounts.total),
    amountPaid: paid,
    balance: money(i.amounts.invoiceBalance),
    issuedDate: localDate(i.issuedDate),
    dueDate: localDate(i.dueDate),
    sentAt: null,
    paidAt: status === 'paid' ? utcOrNull(i.receivedDate) : null,
    voidedAt: null,
    documentUrl: null,
    memo: textOrNull(i.subject),
  };
}
