import type { Payment, PaymentMethod } from '@fieldsync/canonical-model';
import type { TomPayment } from '../tom.schemas';
import {
  TOM_CURRENCY,
  canonicalBase,
  money,
  requiredRef,
  textOrNull,
  timesOf,
  type MappingScope,
} from './mapping.util';

const METHOD: Readonly<Record<TomPayment['fields']['Method'], PaymentMethod>> = {
  'Credit Card': 'card',
  ACH: 'ach',
  Cash: 'cash',
  Check: 'check',
};

/** `Visa ****4242` → brand and last four (TOM shows no more of a card). */
function cardOf(reference: string): { brand: string; last4: string } | null {
  const [brand, masked] = reference.split(' ');
  const last4 = masked?.replace(/^\*+/, '') ?? '';
  return brand && /^\d{4}$/.test(last4) ? { brand, last4 } : null;
}

/**
 * A TOM payment (Receive Payments): customer, method, reference (check number, or card brand and last
 * four), amount, the invoices it is applied to (its detail page), memo; a voided payment stays listed as
 * Voided. TOM's page shows the payment date without a time: `collectedAt` is left null.
 */
export function mapPayment(p: TomPayment, scope: MappingScope): Payment {
  const f = p.fields;
  const method = METHOD[f.Method];
  const appliedTo = p.lines.map((l) => ({
    invoiceId: requiredRef(scope, 'invoice', l['Invoice #']),
    amount: money(l.Applied),
  }));
  return {
    ...canonicalBase('payment', scope, timesOf(f)),
    status: f.Status === 'Voided' ? 'voided' : 'captured',
    vendorStatus: f.Status,
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    invoiceId: appliedTo[0]?.invoiceId ?? null,
    appliedTo,
    method,
    vendorMethod: f.Method,
    card: method === 'card' ? cardOf(f.Reference) : null,
    checkNumber: method === 'check' ? textOrNull(f.Reference) : null,
    currency: TOM_CURRENCY,
    amount: money(f.Amount),
    tipAmount: 0,
    fee: null,
    refundedAmount: 0,
    collectedAt: null,
    processor: null,
    externalTransactionId: method === 'ach' ? textOrNull(f.Reference) : null,
    memo: textOrNull(f.Memo),
  };
}
