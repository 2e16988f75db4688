import { canonicalId, type Invoice, type InvoiceStatus } from '@fieldsync/canonical-model';
import type { TomCreditMemo } from '../tom.schemas';
import { tomDateToIso } from '../tom-time.util';
import {
  TOM_CURRENCY,
  canonicalBase,
  canonicalRef,
  centsOf,
  fromMinor,
  requiredRef,
  textOrNull,
  timesOf,
  yes,
  type MappingScope,
} from './mapping.util';

/** The external id of a credit memo: its number, prefixed so it never meets an invoice's. */
export const creditMemoExternalId = (key: string): string => `CM-${key}`;
export const isCreditMemoExternalId = (externalId: string): boolean => externalId.startsWith('CM-');

const STATUS: Readonly<Record<TomCreditMemo['fields']['Status'], InvoiceStatus>> = {
  Open: 'open',
  'Partially Applied': 'partially_paid',
  Applied: 'paid',
  Void: 'void',
};

const KIND = {
  Service: 'service',
  Material: 'material',
  Equipment: 'equipment',
  Discount: 'discount',
} as const;

/**
 * A TOM credit memo as a canonical invoice with negative amounts (docs/tom.md "Credit memos"): TOM prints
 * a credit's amounts positive; here `subtotal`, `tax`, `total` and each line's rate and amount are
 * negated, `balance` is minus the credit remaining and `amountPaid = total − balance` minus the credit
 * applied (a voided credit: balance 0). Status Open → open, Partially Applied → partially_paid, Applied →
 * paid, Void → void; `vendorStatus` is `Credit Memo: <TOM's status>`, which is how a credit is told from
 * an invoice. `externalId` is `CM-<number>`; `number` is TOM's credit number; no due date.
 */
export function mapCreditMemo(c: TomCreditMemo, scope: MappingScope): Invoice {
  const f = c.fields;
  const total = -centsOf(f.Total);
  const balance = -centsOf(f.Remaining);
  const negated = (printed: string): number => fromMinor(-centsOf(printed));
  return {
    ...canonicalBase('invoice', scope, timesOf(f)),
    number: f['Credit #'],
    status: STATUS[f.Status],
    vendorStatus: `Credit Memo: ${f.Status}`,
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    locationId: requiredRef(scope, 'location', f['Job ID']),
    jobId: canonicalRef(scope, 'job', f['WO #']),
    currency: TOM_CURRENCY,
    lineItems: c.lines.map((l, position) => ({
      id: canonicalId(scope.ctx.connectionId, 'line_item', `${scope.record.externalId}:${l.Line}`),
      externalId: l.Line,
      kind: KIND[l.Type],
      name: textOrNull(l.Item) ?? l.Description,
      description: l.Description,
      pricebookItemId: canonicalRef(scope, 'pricebook_item', l['Item ID']),
      sku: textOrNull(l.Item),
      quantity: Number(l.Qty),
      unit: null,
      unitPrice: negated(l.Rate),
      unitCost: null,
      total: negated(l.Amount),
      taxable: yes(l.Taxable),
      taxCode: null,
      position,
    })),
    taxes: [],
    discounts: [],
    subtotal: negated(f.Subtotal),
    discount: 0,
    tax: negated(f.Tax),
    total: fromMinor(total),
    amountPaid: fromMinor(total - balance),
    balance: fromMinor(balance),
    issuedDate: tomDateToIso(f.Date),
    dueDate: null,
    sentAt: null,
    paidAt: null,
    voidedAt: null,
    documentUrl: null,
    memo: textOrNull(f.Memo),
  };
}
