import { defineWrite, type WriteContext } from '@fieldsync/connector-kit';
import { Money, type CommandOf } from '@fieldsync/canonical-model';
import { localToUtc } from '../mappers/local-time.util';
import { localDateBefore } from '../readers/paging.util';
import { workizClient } from '../workiz.readers';
import { workizInvoiceSchema, type WorkizInvoice } from '../workiz.schemas';
import { unsupported, vendorCall } from './write-errors.util';
import { LINE_CARRIES, workizLines } from './write-lines.util';
import { newestRows, webRecord, type WebList } from './write-readback.util';
import { checkSubtotal, expectedSubtotal } from './write-totals.util';
import { idOf } from './write-values.util';

/*
 * invoice.create → the web app's `POST /ajaxc/invoices/create/` (the Developer API has no invoices): the
 * job's invoice with the command's lines, issued today, due `dueDate` (as days from today). Workiz taxes
 * the taxable lines with the job's tax zone itself and has no discount, issue date, memo or sending on
 * this form: those fields are not carried. It has no field for a marker either, so `find` matches by
 * natural key: an invoice of the job among the newest, created since the command's first attempt, with
 * the same lines (names, quantities, prices) in order. Workiz's subtotal is checked against the command's.
 */

const INVOICES: WebList = { path: '/ajaxc/invoices/list/', key: 'invoices', idField: 'invoice_id' };
type InvoiceCreate = CommandOf<'invoice.create'>;

function outcome(ctx: WriteContext, i: WorkizInvoice) {
  return {
    records: [webRecord('invoice', workizInvoiceSchema, i, String(i.invoice_id))],
    result: {
      invoiceId: idOf(ctx, 'invoice', String(i.invoice_id)),
      number: i.invoice_number,
      currency: 'USD',
      total: Money.parse(i.total, 'USD').toAmount(),
      balance: Money.parse(i.amount_due, 'USD').toAmount(),
    },
  };
}

const sameLines = (
  i: WorkizInvoice,
  lines: readonly { name?: string; qty: number; price: number }[],
): boolean =>
  i.items.length === lines.length &&
  i.items.every((item, n) => {
    const l = lines[n];
    return (
      l !== undefined &&
      (l.name === undefined || item.name === l.name) &&
      item.qty === l.qty &&
      item.price === l.price
    );
  });

async function dueDays(ctx: WriteContext, p: InvoiceCreate['payload']): Promise<number | undefined> {
  if (p.dueDate === undefined) return undefined;
  const { timezone } = await workizClient.apiAccess(ctx);
  const today = localDateBefore(ctx.now(), 0, timezone);
  const days = Math.round(
    (Date.parse(`${p.dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  if (days < 0 || days > 365)
    throw unsupported('payload.dueDate', 'sets an invoice due 0 to 365 days from its issue (today)');
  return days;
}

export const invoiceCreateWrite = defineWrite('invoice.create', {
  carries: ['jobId', 'currency', 'dueDate', ...LINE_CARRIES],

  async find(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const lines = await workizLines(ctx, p.lineItems, p.currency);
    const since = ctx.firstAttemptAt.getTime() - 1_000;
    for (const row of (await newestRows(ctx, INVOICES)).reverse()) {
      const i = workizInvoiceSchema.safeParse(row);
      if (!i.success || i.data.job_uuid !== job.externalId) continue;
      if (Date.parse(localToUtc(i.data.created, i.data.timezone)) < since) continue;
      if (sameLines(i.data, lines)) return outcome(ctx, i.data);
    }
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const items = await workizLines(ctx, p.lineItems, p.currency);
    const due = await dueDays(ctx, p);
    const answer = await vendorCall(
      'ajaxc/invoices/create',
      { job_uuid: 'payload.jobId', items: 'payload.lineItems' },
      () =>
        workizClient.webPost(ctx, '/ajaxc/invoices/create/', {
          job_uuid: job.externalId,
          items,
          ...(due !== undefined ? { due_days: due } : {}),
        }),
    );
    const invoice = workizInvoiceSchema.parse((answer as { invoice?: unknown }).invoice);
    checkSubtotal('invoice', invoice.subtotal, expectedSubtotal(p), p.currency);
    return outcome(ctx, invoice);
  },
});
