import type { Payment, PaymentMethod } from '@fieldsync/canonical-model';
import { type JobberPaymentRecord, JOBBER_PAYMENT_TYPES } from '../jobber.schemas';
import {
  JOBBER_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/*
 * A Jobber payment record: its entryDate stands for both times. Jobber has no card, check number,
 * reference, fee or refunds on it.
 */

type PaymentType = (typeof JOBBER_PAYMENT_TYPES)[number];
const PAYMENT_METHOD: Readonly<Record<PaymentType, PaymentMethod>> = {
  CASH: 'cash',
  CHEQUE: 'check',
  CREDIT_CARD: 'card',
  JOBBER_PAYMENTS: 'card',
  BANK_TRANSFER: 'ach',
  MONEY_ORDER: 'other',
  OTHER: 'other',
};

export function mapPayment(p: JobberPaymentRecord, scope: MappingScope): Payment {
  const at = utc(p.entryDate);
  return {
    ...canonicalBase('payment', p.id, scope, { createdAt: at, updatedAt: at }),
    // Jobber lists recorded payments only (a voided one disappears): every listed record is captured.
    status: 'captured',
    vendorStatus: 'recorded',
    customerId: canonicalRef(scope, 'customer', p.client.id),
    invoiceId: p.invoice ? canonicalRef(scope, 'invoice', p.invoice.id) : null,
    appliedTo: [],
    method: PAYMENT_METHOD[p.paymentType],
    vendorMethod: p.paymentType,
    card: null,
    checkNumber: null,
    currency: JOBBER_CURRENCY,
    amount: money(p.amount),
    tipAmount: money(p.tipAmount),
    fee: null,
    refundedAmount: 0,
    collectedAt: at,
    processor: p.paymentType === 'JOBBER_PAYMENTS' ? 'Jobber Payments' : null,
    externalTransactionId: null,
    memo: textOrNull(p.details),
  };
}
