import type { Payment, PaymentMethod } from '@fieldsync/canonical-model';
import type { ServiceTitanPayment } from '../servicetitan.schemas';
import { canonicalBase, canonicalRef, money, textOrNull, utc, type MappingScope } from './mapping.util';

/*
 * A ServiceTitan payment. Its row has no change time (its payment `date` stands for both times) and no
 * tips, processor, card details or refunds; a deleted (voided) payment is `voided`.
 */

/** The canonical method from the payment type's name (ServiceTitan payment types are per tenant). */
function paymentMethod(type: string | null): PaymentMethod {
  const name = (type ?? '').toLowerCase();
  if (/\bach\b|e-?check|bank|transfer/.test(name)) return 'ach';
  if (/card|visa|master|amex|discover/.test(name)) return 'card';
  if (/cash/.test(name)) return 'cash';
  if (/check|cheque/.test(name)) return 'check';
  return 'other';
}

export function mapPayment(p: ServiceTitanPayment, scope: MappingScope): Payment {
  const { record } = scope;
  if (p.date === null) throw new RangeError(`ServiceTitan payment ${p.id}: date is null`);
  const paidOn = utc(p.date);
  const method = paymentMethod(p.type);
  const appliedTo = p.appliedTo.map((a) => ({
    invoiceId: canonicalRef(scope, 'invoice', a.appliedTo),
    amount: money(a.appliedAmount, scope),
  }));
  return {
    // A payment row has no modifiedOn: its payment date stands for both times.
    ...canonicalBase('payment', scope, { createdAt: paidOn, updatedAt: paidOn }),
    status: record.deleted ? 'voided' : 'captured',
    vendorStatus: record.deleted ? 'Voided' : p.syncStatus,
    customerId: p.customer === null ? null : canonicalRef(scope, 'customer', p.customer.id),
    invoiceId: appliedTo.length === 1 ? (appliedTo[0]?.invoiceId ?? null) : null,
    appliedTo,
    method,
    vendorMethod: textOrNull(p.type),
    card: null,
    checkNumber: method === 'check' ? textOrNull(p.checkNumber) : null,
    currency: scope.currency,
    amount: money(p.total, scope),
    tipAmount: 0,
    fee: null,
    refundedAmount: 0,
    collectedAt: paidOn,
    processor: null,
    externalTransactionId: textOrNull(p.authCode),
    memo: textOrNull(p.memo),
  };
}
