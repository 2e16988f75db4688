import type { Invoice, InvoiceStatus } from '@fieldsync/canonical-model';
import type { WorkizInvoice } from '../workiz.schemas';
import { jobLines } from './job.mapper';
import {
  WORKIZ_CURRENCY,
  canonicalBase,
  canonicalRef,
  fromMinor,
  minor,
  money,
  utc,
  type MappingScope,
} from './mapping.util';

const STATUS: Readonly<Record<WorkizInvoice['status'], InvoiceStatus>> = {
  unpaid: 'open',
  partial: 'partially_paid',
  paid: 'paid',
};

/**
 * A Workiz invoice (the web app's invoices list): items, subtotal, discount, tax, total and amount due in
 * dollars (exact through cents: paid = total − due), issued and due dates as the account's calendar shows
 * them. Workiz gives no sent, paid or void time, tax lines or document link in this list.
 */
export function mapInvoice(i: WorkizInvoice, scope: MappingScope): Invoice {
  const zone = i.timezone;
  const totalCents = minor(i.total);
  const dueCents = minor(i.amount_due);
  return {
    ...canonicalBase('invoice', scope, { createdAt: utc(i.created, zone), updatedAt: utc(i.updated, zone) }),
    number: i.invoice_number,
    status: STATUS[i.status],
    vendorStatus: i.status,
    customerId: canonicalRef(scope, 'customer', i.client_id) as string,
    locationId: null,
    jobId: canonicalRef(scope, 'job', i.job_uuid),
    currency: WORKIZ_CURRENCY,
    lineItems: jobLines(
      scope,
      i.items.map((l) => ({ ...l, id: l.item_id })),
    ),
    taxes: [],
    discounts: [],
    subtotal: money(i.subtotal),
    discount: money(i.discount),
    tax: money(i.tax),
    total: fromMinor(totalCents),
    amountPaid: fromMinor(totalCents - dueCents),
    balance: fromMinor(dueCents),
    issuedDate: i.issued,
    dueDate: i.due,
    sentAt: null,
    paidAt: null,
    voidedAt: null,
    documentUrl: null,
    memo: null,
  };
}
