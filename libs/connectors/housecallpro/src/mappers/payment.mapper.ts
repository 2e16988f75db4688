import type { Payment, PaymentMethod, PaymentStatus } from '@fieldsync/canonical-model';
import type { HousecallProPaymentRecord } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

const METHOD: Readonly<Record<string, PaymentMethod>> = {
  credit_card: 'card',
  ach: 'ach',
  cash: 'cash',
  check: 'check',
};
const STATUS: Readonly<Record<string, PaymentStatus>> = {
  succeeded: 'captured',
  pending: 'pending',
  failed: 'failed',
  refunded: 'refunded',
  voided: 'voided',
};

/**
 * One payment on a Housecall Pro invoice: its paid_at stands for both times (the v1 API gives it no
 * others). The v1 API carries no tip, card, check number or processor reference on it.
 */
export function mapPayment(p: HousecallProPaymentRecord, scope: MappingScope): Payment {
  const at = utc(p.paid_at);
  const invoiceId = canonicalRef(scope, 'invoice', p.invoice_id) as string;
  return {
    ...canonicalBase('payment', scope, { createdAt: at, updatedAt: at }),
    status: STATUS[p.status] ?? 'pending',
    vendorStatus: p.status,
    customerId: canonicalRef(scope, 'customer', p.customer_id),
    invoiceId,
    appliedTo: [{ invoiceId, amount: money(p.amount) }],
    method: METHOD[p.payment_method] ?? 'other',
    vendorMethod: p.payment_method,
    card: null,
    checkNumber: null,
    currency: HOUSECALLPRO_CURRENCY,
    amount: money(p.amount),
    tipAmount: 0,
    fee: null,
    refundedAmount: 0,
    collectedAt: at,
    processor: null,
    externalTransactionId: null,
    memo: textOrNull(p.note),
  };
}
