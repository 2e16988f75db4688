import type { Invoice, InvoiceStatus, Line } from '@fieldsync/canonical-model';
import type { HousecallProInvoiceRecord } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  utc,
  type MappingScope,
} from './mapping.util';

function invoiceStatus(status: HousecallProInvoiceRecord['invoice']['status'], paid: number): InvoiceStatus {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'voided':
    case 'canceled':
    case 'uncollectible':
      return 'void';
    case 'open':
    case 'pending_payment':
      return paid > 0 ? 'partially_paid' : 'open';
  }
}

const KIND: Readonly<Record<string, Line['kind']>> = { labor: 'labor', materials: 'material' };

/**
 * A Housecall Pro invoice (with its job's customer and address, which the reader adds): items, taxes
 * (rate in hundredths of a percent) and discounts itemised, every amount from integer cents. The
 * calendar dates are the UTC dates of its invoice and due times. Housecall Pro has no memo or document
 * URL on it in the v1 API.
 */
export function mapInvoice(r: HousecallProInvoiceRecord, scope: MappingScope): Invoice {
  const i = r.invoice;
  const paidCents = i.amount - i.due_amount;
  const status = invoiceStatus(i.status, paidCents);
  return {
    ...canonicalBase('invoice', scope, { createdAt: utc(i.created_at), updatedAt: utc(i.updated_at) }),
    number: i.invoice_number,
    status,
    vendorStatus: i.status,
    customerId: canonicalRef(scope, 'customer', r.customer_id) as string,
    locationId: canonicalRef(scope, 'location', r.address_id),
    jobId: canonicalRef(scope, 'job', i.job_id),
    currency: HOUSECALLPRO_CURRENCY,
    lineItems: i.items.map((item, position) => ({
      id: canonicalRef(scope, 'line_item', item.id) as string,
      externalId: item.id,
      kind: KIND[item.type] ?? 'other',
      name: item.name,
      description: null,
      pricebookItemId: null,
      sku: null,
      quantity: item.qty_in_hundredths / 100,
      unit: null,
      unitPrice: money(item.unit_price),
      unitCost: money(item.unit_cost),
      total: money(item.amount),
      taxable: null,
      taxCode: null,
      position,
    })),
    taxes: i.taxes.map((t) => ({ name: t.name, ratePercent: t.rate / 100, amount: money(t.amount) })),
    discounts: i.discounts.map((d) => ({ name: d.name, percent: null, amount: money(d.amount) })),
    subtotal: money(i.subtotal),
    discount: money(i.discounts.reduce((n, d) => n + d.amount, 0)),
    tax: money(i.taxes.reduce((n, t) => n + t.amount, 0)),
    total: money(i.amount),
    amountPaid: money(paidCents),
    balance: money(i.due_amount),
    issuedDate: utc(i.invoice_date).slice(0, 10),
    dueDate: utc(i.due_at).slice(0, 10),
    sentAt: i.sent_at === undefined ? null : utc(i.sent_at),
    paidAt: status === 'paid' && i.paid_at !== undefined ? utc(i.paid_at) : null,
    voidedAt: null,
    documentUrl: null,
    memo: null,
  };
}
