import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { cents } from './jobber-amount.util';
import { formatDateTime, formatNullableDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';
import { ref } from './jobber-reference.util';
import { rendered } from './jobber-rendered.util';
import { PAYMENT_TYPE } from './jobber-status.constants';
import { invoiceStatusOf } from './jobber-status.util';
import { isPaymentVisible } from './jobber-visibility.util';

/** Invoices (amounts, payments and tips received) and payment records. */
export class JobberInvoiceMapper {
  constructor(private readonly store: WorldStore) {}

  invoice(i: StoredRecord<'invoice'>) {
    const payments = this.store.children('payment', 'invoiceId', i.id).filter((p) => isPaymentVisible(p));
    const status = invoiceStatusOf(i);
    let received: number | null = null;
    let tips = 0;
    for (const p of payments) {
      tips += p.tip;
      if (received === null || p.paidOn > received) received = p.paidOn;
    }
    return rendered(i, {
      id: encodeId('Invoice', i.id),
      invoiceNumber: i.referenceNumber,
      invoiceStatus: status,
      subject: 'For Services Rendered',
      issuedDate: i.status === 'Pending' ? null : formatDateTime(i.invoiceDate),
      dueDate: formatDateTime(i.dueDate),
      receivedDate: status === 'paid' ? formatNullableDateTime(received) : null,
      amounts: {
        subtotal: cents(i.subTotal),
        taxAmount: cents(i.salesTax),
        discountAmount: cents(i.discount),
        depositAmount: 0,
        paymentsTotal: cents(i.total - i.balance),
        tipsTotal: cents(tips),
        invoiceBalance: cents(i.balance),
        total: cents(i.total),
      },
      client: ref('Client', i.customerId),
      createdAt: formatDateTime(i.createdOn),
      updatedAt: formatDateTime(i.modifiedOn),
    });
  }

  paymentRecord(p: StoredRecord<'payment'>) {
    const invoiceId = p.splits[0]?.invoiceId;
    return rendered(p, {
      id: encodeId('PaymentRecord', p.id),
      amount: cents(p.amount),
      tipAmount: cents(p.tip),
      entryDate: formatDateTime(p.paidOn),
      paymentType: PAYMENT_TYPE[p.method],
      details: p.memo,
      client: ref('Client', p.customerId),
      invoice: invoiceId === undefined ? null : ref('Invoice', invoiceId),
    });
  }
}
