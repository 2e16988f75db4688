import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  VendorWriteError,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import {
  housecallproInvoiceRecordSchema,
  housecallproInvoiceSchema,
  type HousecallProInvoice,
  type HousecallProJob,
} from '../housecallpro.schemas';
import { HOUSECALLPRO_CURRENCY, money } from '../mappers/mapping.util';
import { lineItems } from './job-create.write';
import { refusalsMapped } from './write-errors.util';
import { client, readJob, recordOf, type JobRead } from './write-readback.util';
import { assertSubtotal } from './write-totals.util';
import { assertCurrency, idOf, norm } from './write-values.util';

/*
 * invoice.create → `PUT /jobs/{id}/line_items/bulk_update` (`append_line_items: true`, LineItemCreate
 * lines in cents), then `GET /jobs/{id}/invoices`: Housecall Pro's v1 API creates no invoice directly — a
 * job's invoice is made of its line items (its number is the job's). The invoice is read back with its
 * job's customer and service address (as the invoices stream yields it) and its subtotal checked against
 * what the command's lines come to.
 *
 * Exactly-once by natural key (documented): Housecall Pro keeps one invoice per job, numbered as the job,
 * so `find` looks at the job's invoices for one created since the command's first attempt with the
 * command's lines (name, unit price, quantity). Not carried (refused by name): discounts and taxes (the
 * service area's tax applies), issued and due dates, a memo, sending, and a line's price-book item, SKU or
 * tax code.
 */

type Command = CommandOf<'invoice.create'>;

const FIND_SLACK_MS = 2 * 60_000;

async function jobInvoices(ctx: WriteContext, jobId: string): Promise<HousecallProInvoice[]> {
  const body = (await client.get(ctx, `/jobs/${encodeURIComponent(jobId)}/invoices`)) as {
    invoices?: unknown;
  };
  return (Array.isArray(body.invoices) ? body.invoices : []).map((i) => housecallproInvoiceSchema.parse(i));
}

/** Whether the invoice's items are the command's lines, in order. */
function sameLines(invoice: HousecallProInvoice, command: Command): boolean {
  const wanted = lineItems(command.payload);
  return (
    invoice.items.length === wanted.length &&
    invoice.items.every((item, i) => {
      const line = wanted[i];
      return (
        line !== undefined &&
        norm(item.name) === norm(line['name'] as string) &&
        item.unit_price === line['unit_price'] &&
        item.qty_in_hundredths === Math.round((line['quantity'] as number) * 100)
      );
    })
  );
}

function outcome(
  ctx: WriteContext,
  command: Command,
  read: JobRead,
  invoice: HousecallProInvoice,
): WriteOutcome<'invoice.create'> {
  assertSubtotal(`invoice ${invoice.invoice_number}`, command.payload, invoice.subtotal);
  const job: HousecallProJob = read.job;
  const record = recordOf('invoice', housecallproInvoiceRecordSchema, {
    id: invoice.id,
    invoice,
    customer_id: job.customer.id,
    address_id: job.address?.type === 'service' ? job.address.id : null,
  });
  return {
    records: [record, ...read.records],
    result: {
      invoiceId: idOf(ctx, 'invoice', invoice.id),
      number: invoice.invoice_number,
      currency: HOUSECALLPRO_CURRENCY,
      total: money(invoice.amount),
      balance: money(invoice.due_amount),
    },
  };
}

export const invoiceCreateWrite = defineWrite('invoice.create', {
  carries: [
    'jobId',
    'currency',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
  ],

  async find(ctx, command) {
    const job = await ctx.resolve(command.payload.jobId, 'payload.jobId');
    const since = ctx.firstAttemptAt.getTime() - FIND_SLACK_MS;
    const match = (await jobInvoices(ctx, job.externalId)).find(
      (i) => Date.parse(i.created_at) >= since && sameLines(i, command),
    );
    return match ? outcome(ctx, command, await readJob(ctx, job.externalId), match) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    await refusalsMapped(
      { line_items: 'payload.lineItems', unit_price: 'payload.lineItems', quantity: 'payload.lineItems' },
      () =>
        client.send(ctx, 'PUT', `/jobs/${encodeURIComponent(job.externalId)}/line_items/bulk_update`, {
          line_items: lineItems(p),
          append_line_items: true,
        }),
    );
    const invoices = await jobInvoices(ctx, job.externalId);
    const mine = invoices.find((i) => sameLines(i, command));
    if (!mine)
      throw new VendorWriteError(
        'vendor_rejected',
        "Housecall Pro's job shows no invoice with the command's lines",
      );
    return outcome(ctx, command, await readJob(ctx, job.externalId), mine);
  },
});
