import type { ActivitySampler } from './world-activity.sampler';
import type { ActivityHandlers } from './world-activity.types';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';
import type { WorldWriter } from './world.writer';

type BillingKind = 'payment' | 'voidPayment' | 'invoiceStatus';

/** Money: invoicing completed jobs, payments (split over invoices), voids, invoices posted and exported. */
export class BillingActivity {
  readonly handlers: ActivityHandlers<BillingKind> = {
    payment: () => this.payment(),
    voidPayment: () => this.voidPayment(),
    invoiceStatus: () => this.invoiceStatus(),
  };

  constructor(
    private readonly writer: WorldWriter,
    private readonly store: WorldStore,
    private readonly sample: ActivitySampler,
  ) {}

  /** Bills a job that has just been completed: one to three pricebook lines, sometimes a coupon. */
  invoiceJob(job: StoredRecord<'job'>): void {
    const rng = this.sample.rng;
    const items = [];
    for (let k = rng.int(1, 3); k > 0; k--) {
      const p = this.sample.pick('pricebookItem', (x) => x.active);
      if (p) items.push({ pricebookItemId: p.id, quantityMilli: rng.int(1, 3) * 1000 });
    }
    if (!items.length) return;
    this.writer.createInvoice({
      jobId: job.id,
      items,
      discounts: rng.chance(0.1) ? [{ description: '$25 Off Coupon', amount: 2500, taxable: false }] : [],
    });
  }

  private payment(): ['payment', number] | null {
    const rng = this.sample.rng;
    const invoice = this.sample.pick(
      'invoice',
      (i) =>
        i.balance > 0 &&
        i.deletedOn === null &&
        this.store.get('customer', i.customerId)?.mergedToId === null,
    );
    if (!invoice) return null;
    const others = this.store
      .children('invoice', 'customerId', invoice.customerId)
      .filter((i) => i.id !== invoice.id && i.balance > 0);
    const splits = [
      {
        invoiceId: invoice.id,
        amount: rng.chance(0.7)
          ? invoice.balance
          : Math.max(1, Math.floor(invoice.balance * (0.2 + rng.next() * 0.6))),
      },
    ];
    const other = others[0];
    if (other && rng.chance(0.3)) splits.push({ invoiceId: other.id, amount: other.balance });
    const method = rng.weighted({ card: 55, check: 18, cash: 12, ach: 15 });
    const type = this.sample.pick('paymentType', (t) => t.method === method);
    if (!type) return null;
    const payment = this.writer.recordPayment({
      customerId: invoice.customerId,
      paymentTypeId: type.id,
      splits,
      tip: method === 'card' && rng.chance(0.1) ? 1000 : 0,
      card:
        method === 'card'
          ? { brand: rng.pick(['Visa', 'Mastercard', 'Amex', 'Discover'] as const), last4: rng.digits(4) }
          : undefined,
      checkNumber: method === 'check' ? String(rng.int(1001, 9999)) : undefined,
      externalTransactionId: method === 'card' ? `ch_${rng.alphanumeric(24)}` : null,
    });
    return ['payment', payment.id];
  }

  private voidPayment(): ['payment', number] | null {
    const p = this.sample.pick(
      'payment',
      (x) => x.deletedOn === null && this.store.get('customer', x.customerId)?.mergedToId === null,
    );
    if (!p) return null;
    this.writer.voidPayment(p.id);
    return ['payment', p.id];
  }

  private invoiceStatus(): ['invoice', number] | null {
    const inv = this.sample.pick('invoice', (i) => i.status !== 'Exported');
    if (!inv) return null;
    this.writer.setInvoiceStatus(inv.id, inv.status === 'Pending' ? 'Posted' : 'Exported');
    return ['invoice', inv.id];
  }
}
