import type { Payment, PaymentMethod } from '@fieldsync/canonical-model';
import type { WorkizPayment } from '../workiz.schemas';
import {
  WORKIZ_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

const METHOD: Readonly<Record<WorkizPayment['method'], PaymentMethod>> = {
  credit_card: 'card',
  bank_transfer: 'ach',
  cash: 'cash',
  check: 'check',
};

/**
 * A Workiz payment (the web app's payments list, voided ones included: `voided` → status voided, still
 * listed, so not a deletion). A payment on one invoice is applied to it in full; Workiz shows no split of a
 * payment over several invoices, so such a payment names its first invoice and no applications.
 */
export function mapPayment(p: WorkizPayment, scope: MappingScope): Payment {
  const zone = p.timezone;
  const method = METHOD[p.method];
  const invoices = p.invoice_ids.map((id) => canonicalRef(scope, 'invoice', id) as string);
  const last4 = textOrNull(p.card_last4);
  return {
    ...canonicalBase('payment', scope, { createdAt: utc(p.created, zone), updatedAt: utc(p.updated, zone) }),
    status: p.voided ? 'voided' : 'captured',
    vendorStatus: p.voided ? 'voided' : 'paid',
    customerId: canonicalRef(scope, 'customer', p.client_id),
    invoiceId: invoices[0] ?? null,
    appliedTo: invoices.length === 1 ? [{ invoiceId: invoices[0] as string, amount: money(p.amount) }] : [],
    method,
    vendorMethod: p.method,
    card: method === 'card' && last4 !== null ? { brand: textOrNull(p.card_brand), last4 } : null,
    checkNumber: method === 'check' ? textOrNull(p.check_number) : null,
    currency: WORKIZ_CURRENCY,
    amount: money(p.amount),
    tipAmount: money(p.tip),
    fee: null,
    refundedAmount: 0,
    collectedAt: utc(p.paid_at, zone),
    processor: null,
    externalTransactionId: textOrNull(p.transaction_id),
    memo: textOrNull(p.note),
  };
}
