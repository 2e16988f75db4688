import { adjustCustomerBalance } from './world-customer-balance.util';
import { lineItemFrom, type NewLineInput } from './world-line-item.util';
import { invoiceTotals } from './world-money.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import { assertRequired, assertTransition, type WorldRules } from './world.rules';
import type { InvoiceStatus, WorldLineItem } from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export interface NewInvoiceInput {
  readonly jobId: number;
  readonly items: readonly NewLineInput[];
  /** Discounts in cents (positive numbers); a taxable discount lowers the taxable base. */
  readonly discounts?: readonly { description: string; amount: number; taxable: boolean }[];
  readonly member?: boolean;
  /** Days from the invoice date; default 30. */
  readonly dueDays?: number;
  /**
   * Sales tax in cents as the caller computed it: ServiceTitan's adjustment-invoice create takes `tax`
   * as given instead of applying the location's tax zone. Default: the zone's rate on the taxable lines.
   */
  readonly taxOverride?: number;
  /**
   * The caller's subtotal in cents, net of discounts (ServiceTitan's `subtotal`): refused when the lines
   * do not come to it, so the stored subtotal is always the lines' sum.
   */
  readonly expectedSubTotal?: number;
}

/** Invoices: billing a job (lines, discounts, tax, the customer's balance) and their accounting status. */
export class WorldInvoiceWriter {
  constructor(
    private readonly store: WorldStore,
    private readonly rules: WorldRules,
  ) {}

  createInvoice(input: NewInvoiceInput): StoredRecord<'invoice'> {
    assertRequired('invoice', input, ['jobId', 'items']);
    const job = this.rules.assertUsable('job', input.jobId, { allowInactive: true });
    const location = this.store.require('location', job.locationId);
    const taxZone = this.store.require('taxZone', location.taxZoneId);
    const items: WorldLineItem[] = input.items.map((line) =>
      lineItemFrom(this.store, this.rules, line, input.member ?? false),
    );
    for (const d of input.discounts ?? []) {
      if (!Number.isInteger(d.amount) || d.amount <= 0) {
        throw new WorldRuleError(WorldRuleCode.InvalidValue, 'a discount is a positive number of cents', {
          amount: d.amount,
        });
      }
      items.push({
        id: this.store.newLineItemId(),
        type: 'Discount',
        pricebookItemId: null,
        code: 'DISCOUNT',
        description: d.description,
        quantityMilli: 1000,
        unitPrice: -d.amount,
        total: -d.amount,
        taxable: d.taxable,
      });
    }
    const computed = invoiceTotals(items, taxZone.ratePpm);
    if (computed.discount > computed.subTotal) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'the discount exceeds the subtotal', {
        discount: computed.discount,
        subTotal: computed.subTotal,
      });
    }
    const net = computed.subTotal - computed.discount;
    if (input.expectedSubTotal !== undefined && input.expectedSubTotal !== net) {
      throw new WorldRuleError(
        WorldRuleCode.InvalidValue,
        `the subtotal ${input.expectedSubTotal} differs from the lines' ${net} (cents, net of discounts)`,
        { field: 'subTotal', subTotal: input.expectedSubTotal, lines: net },
      );
    }
    const tax = input.taxOverride;
    if (tax !== undefined && (!Number.isInteger(tax) || tax < 0)) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'the tax is a non-negative number of cents', {
        field: 'salesTax',
        salesTax: tax,
      });
    }
    const totals = tax === undefined ? computed : { ...computed, salesTax: tax, total: net + tax };
    const now = this.store.clock.now();
    const invoice = this.store.create('invoice', {
      referenceNumber: `${job.jobNumber}-${this.store.children('invoice', 'jobId', job.id).length + 1}`,
      jobId: job.id,
      customerId: job.customerId,
      locationId: job.locationId,
      invoiceDate: now,
      dueDate: now + (input.dueDays ?? 30) * 86_400_000,
      status: 'Pending',
      taxZoneId: taxZone.id,
      taxRatePpm: taxZone.ratePpm,
      items,
      ...totals,
      balance: totals.total,
      ...(tax === undefined ? {} : { salesTaxGiven: true as const }),
    });
    adjustCustomerBalance(this.store, job.customerId, totals.total);
    return invoice;
  }

  setInvoiceStatus(id: number, status: InvoiceStatus): StoredRecord<'invoice'> {
    const invoice = this.rules.assertUsable('invoice', id, { allowInactive: true });
    assertTransition('invoice', invoice.status, status);
    return this.store.update('invoice', id, { status });
  }
}
