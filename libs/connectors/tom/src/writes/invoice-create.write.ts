import { Money, type CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
} from '@fieldsync/connector-kit';
import { centsOf } from '../mappers/mapping.util';
import { tomInvoiceSchema } from '../tom.schemas';
import { isoToTomDate, tomLocalDateOf } from '../tom-time.util';
import { assertPeriodOpen, findInGrid, idOf, readDetail, submitForm, unsupported } from './write-forms.util';

/*
 * invoice.create → New Invoice for a work order: its items (TOM prices an item from its item list, so each
 * line names a price-book item and its unit price must be the item's), the posting date (checked against
 * the accounting periods first: a closed one is `period_locked` naming payload.issuedDate), the memo with
 * the command's marker on its last line (`find` looks for it in the invoices grid). TOM taxes from the
 * Customer:Job's tax zone. Not carried: discounts, tax lines, a due date (TOM's terms set it), sending.
 */

type Command = CommandOf<'invoice.create'>;

const FIELDS = {
  WorkOrder: 'payload.jobId',
  Date: 'payload.issuedDate',
  Items: 'payload.lineItems',
  Memo: 'payload.memo',
};

async function outcome(ctx: WriteContext, key: string) {
  const invoice = await readDetail(ctx, '/Invoices', key, 'invoice', tomInvoiceSchema, 'payload');
  const f = (invoice.raw as { fields: { Total: string; Balance: string } }).fields;
  return {
    records: [invoice],
    result: {
      invoiceId: idOf(ctx, 'invoice', key),
      number: key,
      currency: 'USD',
      total: Money.ofMinor(centsOf(f.Total), 'USD').toAmount(),
      balance: Money.ofMinor(centsOf(f.Balance), 'USD').toAmount(),
    },
  };
}

async function itemsOf(ctx: WriteContext, command: Command): Promise<string> {
  const parts: string[] = [];
  for (const [i, line] of command.payload.lineItems.entries()) {
    const field = `payload.lineItems[${String(i)}]`;
    if (line.pricebookItemId === undefined)
      throw unsupported(`${field}.pricebookItemId`, 'a TOM invoice line is an item of its item list');
    const item = await ctx.resolve(line.pricebookItemId, `${field}.pricebookItemId`);
    const price = (item.document as { price?: number }).price;
    if (price !== line.unitPrice) {
      throw new VendorWriteError(
        'validation_failed',
        `TOM prices ${item.externalId} at its item price ${String(price)}, not ${String(line.unitPrice)}`,
        {
          field: `${field}.unitPrice`,
        },
      );
    }
    parts.push(`${item.externalId} x ${String(line.quantity)}`);
  }
  return parts.join('; ');
}

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
    'issuedDate',
    'memo',
  ],
  async find(ctx) {
    const key = await findInGrid(
      ctx,
      '/Invoices',
      ctx.firstAttemptAt,
      (f) => findMarker(f['Memo']) === ctx.marker,
    );
    return key === null ? null : outcome(ctx, key);
  },
  async execute(ctx, command) {
    const p = command.payload;
    if (p.currency !== 'USD') throw unsupported('payload.currency', 'the company file keeps USD');
    const date = p.issuedDate ?? tomLocalDateOf(ctx.now());
    await assertPeriodOpen(ctx, date, 'payload.issuedDate');
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const key = await submitForm(
      ctx,
      '/Invoices/New',
      {
        WorkOrder: job.externalId,
        Date: isoToTomDate(date),
        Items: await itemsOf(ctx, command),
        Memo: withMarker(p.memo, ctx.marker),
      },
      FIELDS,
    );
    return outcome(ctx, key);
  },
});
