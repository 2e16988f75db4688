import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { decimal, quantity } from './servicetitan-amount.util';
import { annotationsOf } from './servicetitan-annotations';
import { iso } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Invoices and payments (ServiceTitan's `accounting` module): money as decimal strings. */
export class ServiceTitanAccountingRenderer {
  constructor(private readonly store: WorldStore) {}

  invoice(i: StoredRecord<'invoice'>): WireRow {
    const job = this.store.get('job', i.jobId);
    const jobType = job ? this.store.get('jobType', job.jobTypeId) : undefined;
    const businessUnit = job ? this.store.get('businessUnit', job.businessUnitId) : undefined;
    const taxZone = this.store.get('taxZone', i.taxZoneId);
    const days = Math.round((i.dueDate - i.invoiceDate) / 86_400_000);
    return {
      id: i.id,
      syncStatus: i.status,
      summary: annotationsOf(this.store).invoiceSummary.get(i.id)?.summary ?? null,
      referenceNumber: i.referenceNumber,
      invoiceDate: iso(i.invoiceDate),
      dueDate: iso(i.dueDate),
      // Discounts are PriceModifier lines, so the subtotal is net of them: total = subTotal + salesTax.
      subTotal: decimal(i.subTotal - i.discount),
      salesTax: decimal(i.salesTax),
      salesTaxCode: { id: i.taxZoneId, name: taxZone?.name ?? null, taxRate: i.taxRatePpm / 10_000 },
      total: decimal(i.total),
      balance: decimal(i.balance),
      customer: { id: i.customerId },
      businessUnit: businessUnit ? { id: businessUnit.id, name: businessUnit.name } : null,
      termName: `Net ${days}`,
      batch: null,
      modifiedOn: iso(i.modifiedOn),
      adjustmentToId: null,
      job: job ? { id: job.id, number: job.jobNumber, type: jobType?.name ?? null } : null,
      projectId: null,
      items: i.items.map((item, index) => ({
        id: item.id,
        description: item.description,
        quantity: quantity(item.quantityMilli),
        cost: '0.00',
        totalCost: '0.00',
        price: decimal(item.unitPrice),
        type: item.type === 'Discount' ? 'PriceModifier' : item.type,
        skuName: item.code,
        skuId: item.pricebookItemId ?? 0,
        total: decimal(item.total),
        inventory: false,
        taxable: item.taxable,
        membershipTypeId: 0,
        displayName: item.description,
        soldHours: null,
        modifiedOn: iso(i.modifiedOn),
        serviceDate: iso(i.invoiceDate),
        order: index + 1,
      })),
      customFields: [],
    };
  }

  payment(p: StoredRecord<'payment'>): WireRow {
    const type = this.store.get('paymentType', p.paymentTypeId);
    return {
      id: p.id,
      syncStatus: 'Pending',
      referenceNumber: String(p.id),
      date: iso(p.paidOn),
      type: type?.name ?? null,
      typeId: String(p.paymentTypeId),
      total: decimal(p.amount),
      unappliedAmount: decimal(p.unappliedAmount),
      memo: p.memo,
      customer: { id: p.customerId },
      batch: null,
      generalLedgerAccount: null,
      appliedTo: p.splits.map((s) => ({
        appliedTo: s.invoiceId,
        appliedAmount: decimal(s.amount),
        appliedOn: iso(p.paidOn),
        appliedBy: null,
      })),
      customFields: [],
      authCode: p.externalTransactionId,
      checkNumber: p.checkNumber,
    };
  }
}
