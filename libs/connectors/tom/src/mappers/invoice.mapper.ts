import { canonicalId, type Invoice, type InvoiceStatus } from '@fieldsync/canonical-model';
import type { TomInvoice } from '../tom.schemas';
import { tomDateToIso } from '../tom-time.util';
import {
  TOM_CURRENCY,
  canonicalBase,
  canonicalRef,
  centsOf,
  fromMinor,
  money,
  requiredRef,
  textOrNull,
  timesOf,
  yes,
  type MappingScope,
} from './mapping.util';

const STATUS: Readonly<Record<TomInvoice['fields']['Status'], InvoiceStatus>> = {
  Open: 'open',
  'Partially Paid': 'partially_paid',
  Paid: 'paid',
};

const KIND = {
  Service: 'service',
  Material: 'material',
  Equipment: 'equipment',
  Discount: 'discount',
} as const;

/**
 * A TOM invoice: number, Customer:Job (customer and location), its work order, posting and due dates, the
 * items of its detail page, subtotal, discount, tax, total and balance (paid = total − balance, exact to the
 * cent), memo. TOM shows no sent, paid or void time or tax lines on the page.
 */
export function mapInvoice(i: TomInvoice, scope: MappingScope): Invoice {
  const f = i.fields;
  const total = centsOf(f.Total);
  const balance = centsOf(f.Balance);
  return {
    ...canonicalBase('invoice', scope, timesOf(f)),
    number: f['Invoice #'],
    status: STATUS[f.Status],
    vendorStatus: f.Status,
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    locationId: requiredRef(scope, 'location', f['Job ID']),
    jobId: canonicalRef(scope, 'job', f['WO #']),
    currency: TOM_CURRENCY,
    lineItems: i.lines.map((l, position) => ({
      id: canonicalId(scope.ctx.connectionId, 'line_item', `${i.key}:${l.Line}`),
      externalId: l.Line,
      kind: KIND[l.Type],
      name: textOrNull(l.Item) ?? l.Description,
      description: l.Description,
      pricebookItemId: canonicalRef(scope, 'pricebook_item', l['Item ID']),
      sku: textOrNull(l.Item),
      quantity: Number(l.Qty),
      unit: null,
      unitPrice: money(l.Rate),
      unitCost: null,
      total: money(l.Amount),
      taxable: yes(l.Taxable),
      taxCode: null,
      position,
    })),
    taxes: [],
    discounts: [],
    subtotal: money(f.Subtotal),
    discount: money(f.Discount),
    tax: money(f.Tax),
    total: fromMinor(total),
    amountPaid: fromMinor(total - balance),
    balance: fromMinor(balance),
    issuedDate: tomDateToIso(f.Date),
    dueDate: tomDateToIso(f['Due Date']),
    sentAt: null,
    paidAt: null,
    voidedAt: null,
    documentUrl: null,
    memo: textOrNull(f.Memo),
  };
}
