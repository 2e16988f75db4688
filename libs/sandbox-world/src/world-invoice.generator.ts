import type { CustomerPlan, InvoicePlan, JobPlan, MembershipPlan } from './world-generation.types';
import type { GenerationTimeline } from './world-generation.timeline';
import { invoiceTotals, lineTotal, sumLines } from './world-money.util';
import { byCreated } from './world-plan-order.util';
import type { GeneratedPricebook } from './world-pricebook.generator';
import type { WorldRng } from './world-rng.util';
import type { GeneratedSettings } from './world-settings.generator';
import { DAY } from './world-time.constants';
import * as W from './world-words.constants';
import type { Invoice, Job, PricebookItem, WorldLineItem } from './world.schema';
import type { WorldLoader } from './world.loader';

/**
 * Invoices of completed jobs: a service of the job's business unit and some goods (member prices for
 * members, sometimes a coupon or the member discount), the location's tax, and an accounting status
 * that ages (pending, posted, exported).
 */
export class InvoiceGenerator {
  private readonly invoices: InvoicePlan[] = [];
  private readonly servicesByUnit: PricebookItem[][];
  private readonly goodsByUnit: PricebookItem[][];

  constructor(
    private readonly rng: WorldRng,
    private readonly loader: WorldLoader,
    private readonly timeline: GenerationTimeline,
    private readonly settings: GeneratedSettings,
    private readonly pricebook: GeneratedPricebook,
  ) {
    this.servicesByUnit = pricebook.byUnit.map((list) => list.filter((p) => p.type === 'Service'));
    this.goodsByUnit = pricebook.byUnit.map((list) => list.filter((p) => p.type !== 'Service'));
  }

  /** Invoices almost every completed job; returns the plans (their payments are planned from them). */
  plan(completed: readonly JobPlan[], memberships: Map<CustomerPlan, MembershipPlan[]>): InvoicePlan[] {
    const planned = completed
      .filter(() => this.rng.chance(0.97))
      .map((job) => this.invoicePlan(job, memberships));
    this.invoices.push(...planned);
    return planned;
  }

  /** Inserts the invoices in createdOn order (after their jobs); each is its job's first. */
  insert(): void {
    for (const inv of byCreated(this.invoices)) {
      const job = inv.job.rec as Job;
      inv.rec = this.loader.add('invoice', {
        ...inv.fields,
        referenceNumber: `${job.jobNumber}-1`,
        jobId: job.id,
        customerId: job.customerId,
        locationId: job.locationId,
      });
    }
  }

  private invoicePlan(job: JobPlan, memberships: Map<CustomerPlan, MembershipPlan[]>): InvoicePlan {
    const rng = this.rng;
    const now = this.timeline.now;
    const at = job.completedOn as number;
    const [, unit] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
    const member = (memberships.get(job.customer) ?? []).some((m) => m.fields.from <= at && at < m.fields.to);
    const services = this.servicesByUnit[unit] ?? [];
    const goods = this.goodsByUnit[unit] ?? [];
    const items: WorldLineItem[] = [];
    const line = (p: PricebookItem, quantityMilli: number): void => {
      const unitPrice = member ? p.memberPrice : p.price;
      items.push({
        id: this.loader.lineItemId(),
        type: p.type,
        pricebookItemId: p.id,
        code: p.code,
        description: p.name,
        quantityMilli,
        unitPrice,
        total: lineTotal(quantityMilli, unitPrice),
        taxable: p.taxable,
      });
    };
    if (services.length) line(rng.pick(services), rng.chance(0.15) ? rng.pick([1500, 2000, 2500]) : 1000);
    for (let k = rng.int(0, 3); k > 0 && goods.length; k--) line(rng.pick(goods), rng.int(1, 4) * 1000);
    if (!items.length) line(rng.pick(this.pricebook.items.filter((p) => p.active)), 1000);
    const taxRatePpm = this.settings.taxRates[job.location.taxZone] as number;
    if (rng.chance(0.12) || member) {
      const sub = sumLines(items);
      const taxableSum = items.filter((i) => i.taxable).reduce((s, i) => s + i.total, 0);
      const amount = member
        ? Math.max(1, Math.round(sub * 0.1))
        : Math.min(rng.pick([2500, 5000, 7500]), Math.floor(sub / 2));
      if (amount > 0 && amount <= sub) {
        items.push({
          id: this.loader.lineItemId(),
          type: 'Discount',
          pricebookItemId: null,
          code: 'DISCOUNT',
          description: member ? 'Member Discount 10%' : `$${amount / 100} Off Coupon`,
          quantityMilli: 1000,
          unitPrice: -amount,
          total: -amount,
          taxable: taxableSum >= amount && rng.chance(0.5),
        });
      }
    }
    const totals = invoiceTotals(items, taxRatePpm);
    const age = now - at;
    const status: Invoice['status'] =
      age > 45 * DAY && rng.chance(0.8)
        ? 'Exported'
        : age > 3 * DAY && rng.chance(0.85)
          ? 'Posted'
          : 'Pending';
    const statusAt =
      status === 'Pending' ? at : Math.min(at + rng.int(1, status === 'Exported' ? 40 : 3) * DAY, now);
    return {
      job,
      createdOn: at,
      rec: null,
      fields: {
        ...this.timeline.base(at, statusAt),
        invoiceDate: at,
        dueDate: at + (job.customer.type === 'Commercial' ? 30 : 0) * DAY,
        status,
        taxZoneId: this.settings.taxZoneIds[job.location.taxZone] as number,
        taxRatePpm,
        items,
        ...totals,
        balance: totals.total,
      },
    };
  }
}
