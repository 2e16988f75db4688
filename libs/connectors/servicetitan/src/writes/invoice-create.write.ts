import { VendorWriteError, defineWrite, findMarker, withMarker } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { expectedTotals, invoiceTotalsMismatch } from './write-totals.util';
import { readBackInvoice, readInvoice, readInvoices } from './write-readback.util';
import { assertCurrency, itemOf, lineSkus, major, resolveId } from './write-values.util';

/*
 * invoice.create → accounting `Invoices_CreateAdjustmentInvoice` (AdjustmentInvoiceCreateRequest):
 * ServiceTitan opens each job's invoice when the job is booked and the API adds adjustment invoices to
 * it (the sandbox names the job directly when it has none). The lines go as items (price book item, SKU,
 * name and description, quantity, unit price), each discount as a price-modifier item of the negative
 * amount, the `issuedDate` as `invoicedOn`, the memo with the command's marker as the summary (which
 * `find` looks for) and the marker as `exportId`. ServiceTitan takes the subtotal and tax as the client
 * computes them: the `taxes` on the `taxable` lines (write-totals.util); the invoice read back must come to
 * the same subtotal, tax and total. `currency` must be the tenant's.
 *
 * Not carried, so refused by name: dueDate (the adjustment invoice takes no due date: the tenant's terms
 * set it), send (the API does not email invoices), lineItems[].taxCode (items have no tax code).
 */

const client = new ServiceTitanClient();

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  items: 'payload.lineItems',
  'items.skuId': 'payload.lineItems',
  adjustmentToId: 'payload.jobId',
  jobId: 'payload.jobId',
  invoicedOn: 'payload.issuedDate',
  summary: 'payload.memo',
  subtotal: 'payload.lineItems',
  tax: 'payload.taxes',
} as const;

export const invoiceCreateWrite = defineWrite('invoice.create', {
  carries: [
    'jobId',
    'currency',
    'lineItems[].pricebookItemId',
    'lineItems[].sku',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
    'discounts',
    'taxes',
    'issuedDate',
    'memo',
  ],

  async find(ctx, command) {
    const jobId = await resolveId(ctx, command.payload.jobId, 'payload.jobId');
    const match = (await readInvoices(ctx, { jobId: String(jobId) })).find(
      (i) => findMarker(i.summary) === ctx.marker,
    );
    return match ? readBackInvoice(ctx, command, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
    const totals = expectedTotals({
      currency: p.currency,
      lineItems: p.lineItems,
      ...(p.discounts ? { discounts: p.discounts } : {}),
      ...(p.taxes ? { taxes: p.taxes } : {}),
    });
    const skus = await lineSkus(ctx, p.lineItems);
    const [original] = await readInvoices(ctx, { jobId: String(jobId) });
    const created = await client.post(
      ctx,
      'accounting',
      'invoices',
      {
        ...(original ? { adjustmentToId: original.id } : { jobId }),
        ...(p.issuedDate ? { invoicedOn: `${p.issuedDate}T00:00:00Z` } : {}),
        subtotal: major(totals.subtotal - totals.discount, p.currency),
        tax: major(totals.tax, p.currency),
        summary: withMarker(p.memo, ctx.marker),
        exportId: ctx.marker,
        items: [
          ...p.lineItems.map((line, i) => itemOf(line, skus[i])),
          ...(p.discounts ?? []).map((d, i) => ({
            description: d.name ?? (d.type === 'percent' ? `Discount ${d.percent}%` : 'Discount'),
            quantity: 1,
            unitPrice: -major(totals.discounts[i] ?? 0, p.currency),
          })),
        ],
      },
      FIELDS,
    );
    if (typeof created !== 'number')
      throw new Error('ServiceTitan POST invoices: the answer is not an invoice id');
    const wrong = invoiceTotalsMismatch(totals, await readInvoice(ctx, created), p.currency);
    if (wrong !== undefined) {
      throw new VendorWriteError('vendor_rejected', `ServiceTitan invoice ${created}: ${wrong}`, {
        field: 'payload.lineItems',
      });
    }
    return readBackInvoice(ctx, command, created);
  },
});
