import type { InvoicePlan, PaymentPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import { byCreated } from './world-plan-order.util';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import { DAY, HOUR, MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import type { Customer, Invoice, PaymentMethod } from './world.schema';
import type { WorldLoader } from './world.loader';

/**
 * Payments of invoices: most paid in full (some in two parts, some partly, some not yet), by the
 * methods residential and commercial customers use, a few voided. Invoice and customer balances and
 * modifiedOn follow.
 */
export class PaymentGenerator {
  private readonly payments: PaymentPlan[] = [];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
  ) {}

  /** Plans the payments of every invoice, in order. */
  plan(invoices: readonly InvoicePlan[]): void {
    this.payments.push(...invoices.flatMap((inv) => this.paymentPlans(inv)));
  }

  /** Inserts the payments in createdOn order (after their invoices). */
  insert(): void {
    for (const p of byCreated(this.payments)) {
      this.loader.add('payment', {
        ...p.fields,
        customerId: (p.invoice.job.customer.rec as Customer).id,
        splits: [{ invoiceId: (p.invoice.rec as Invoice).id, amount: p.fields.amount }],
      });
    }
  }

  private paymentPlans(invoice: InvoicePlan): PaymentPlan[] {
    const rng = this.rng;
    const now = this.timeline.now;
    const customer = invoice.job.customer;
    const total = invoice.fields.total;
    const at = invoice.fields.invoiceDate;
    customer.balance += total;
    customer.modifiedOn = Math.max(customer.modifiedOn, at);
    const roll = rng.next();
    if (total === 0 || roll < 0.1) return [];
    const amounts =
      roll < 0.22
        ? [Math.max(1, Math.round(total * (0.3 + rng.next() * 0.4)))]
        : rng.chance(0.15) && total > 1
          ? [Math.floor(total / 2), total - Math.floor(total / 2)]
          : [total];
    const out: PaymentPlan[] = [];
    let paidOn =
      at + (rng.chance(0.5) ? rng.int(1, 90) * MINUTE : rng.int(1, 30) * DAY + rng.int(0, 8 * HOUR));
    for (const amount of amounts) {
      if (paidOn > now) break;
      const commercial = customer.type === 'Commercial';
      const method: PaymentMethod = commercial
        ? rng.pick(['check', 'check', 'ach', 'card'] as const)
        : rng.weighted({ card: 55, check: 18, cash: 12, ach: 15 });
      const type = this.settings.paymentTypes.find((t) => t.method === method) as {
        id: number;
        method: PaymentMethod;
      };
      const voided = rng.chance(0.01) ? Math.min(paidOn + rng.int(1, 72) * HOUR, now) : null;
      if (voided === null) {
        invoice.fields.balance -= amount;
        invoice.fields.modifiedOn = Math.max(invoice.fields.modifiedOn, paidOn);
        customer.balance -= amount;
        customer.modifiedOn = Math.max(customer.modifiedOn, paidOn);
      }
      out.push({
        invoice,
        createdOn: paidOn,
        fields: {
          ...this.timeline.base(paidOn, voided ?? paidOn, voided === null, voided),
          paymentTypeId: type.id,
          method,
          cardBrand: method === 'card' ? rng.pick(W.CARD_BRANDS) : null,
          cardLast4: method === 'card' ? rng.digits(4) : null,
          checkNumber: method === 'check' ? String(rng.int(1001, 9999)) : null,
          amount,
          tip: method === 'card' && rng.chance(0.08) ? rng.pick([500, 1000, 2000]) : 0,
          unappliedAmount: 0,
          paidOn,
          memo: voided ? 'Voided: entered twice' : null,
          externalTransactionId:
            method === 'card'
              ? `ch_${rng.alphanumeric(24)}`
              : method === 'ach'
                ? `py_${rng.alphanumeric(24)}`
                : null,
        },
      });
      paidOn += rng.int(7, 30) * DAY;
    }
    return out;
  }
}
