import { Money, type CommandOf, type CommandTotalsInput } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import { JOBBER_CURRENCY } from '../mappers/mapping.util';
import { commandFields, createdId, lineFields } from './write-errors.util';
import { findSince, readInvoice, readNode } from './write-readback.util';
import { assertTotals } from './write-totals.util';
import { assertCurrency, idOf, jobberLines, money, norm } from './write-values.util';

/*
 * invoice.create → `invoiceCreate` (InvoiceCreateAttributes: the job, a subject, line items, days until
 * due). The memo is the subject, with the command's marker after it (how `find` knows the invoice); the
 * due date becomes `dueInDays` from today. Jobber taxes an invoice at its property's tax rate: the
 * command's taxes are honoured when they are exactly that rate (its name and percentage), refused
 * otherwise. The totals Jobber computes are checked against the command's.
 *
 * Not carried (refused by name): discounts (the input takes none), an issued date (Jobber issues it when
 * sent), sending, and a line's sku or tax code.
 */

type Payload = CommandOf<'invoice.create'>['payload'];
const DAY_MS = 86_400_000;

function totalsInput(p: Payload): CommandTotalsInput {
  return { currency: p.currency, lineItems: p.lineItems, ...(p.taxes ? { taxes: p.taxes } : {}) };
}

async function invoiceOutcome(
  ctx: WriteContext,
  command: CommandOf<'invoice.create'>,
  invoiceId: string,
): Promise<WriteOutcome<'invoice.create'>> {
  const { invoice, record } = await readInvoice(ctx, invoiceId);
  assertTotals('invoice', invoice.invoiceNumber, totalsInput(command.payload), invoice.amounts);
  return {
    records: [record],
    result: {
      invoiceId: idOf(ctx, 'invoice', invoice.id),
      number: invoice.invoiceNumber,
      currency: JOBBER_CURRENCY,
      total: money(invoice.amounts.total),
      balance: money(invoice.amounts.invoiceBalance),
    },
  };
}

/** Name, quantity and unit price of each line: an invoice's natural key on its job. */
const lineKey = (lines: readonly { name: string; quantity: number; unitPrice: number }[]): string =>
  JSON.stringify(
    lines.map((l) => [norm(l.name), l.quantity, Money.parse(l.unitPrice, JOBBER_CURRENCY).amountMinor]),
  );

/** The days from today (the account's invoice date) to the command's due date. */
function dueInDays(ctx: WriteContext, dueDate: string | undefined): number | undefined {
  if (dueDate === undefined) return undefined;
  const today = Date.parse(ctx.now().toISOString().slice(0, 10));
  const days = Math.round((Date.parse(dueDate) - today) / DAY_MS);
  if (days < 0) {
    throw new VendorWriteError('validation_failed', 'the due date is in the past', {
      field: 'payload.dueDate',
    });
  }
  return days;
}

/** The command's taxes, honoured only as the job's property's own tax rate (Jobber applies that one). */
async function assertPropertyTax(ctx: WriteContext, jobId: string, taxes: Payload['taxes']): Promise<void> {
  if (!taxes?.length) return;
  const node = await readNode(ctx, 'job', jobId, [
    { name: 'property', fields: [{ name: 'taxRate', fields: ['name', 'tax'] }] },
  ]);
  const rate = (node?.['property'] as { taxRate?: { name: string; tax: number } | null } | null)?.taxRate;
  const [tax] = taxes;
  const what = rate ? `"${rate.name}" at ${rate.tax}%` : 'no tax';
  if (
    rate == null ||
    taxes.length !== 1 ||
    tax === undefined ||
    Math.abs(tax.ratePercent - rate.tax) > 1e-9
  ) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Jobber taxes this job's property ${what}; the command states ${taxes
        .map((t) => `"${t.name}" at ${t.ratePercent}%`)
        .join(', ')}`,
      { field: 'payload.taxes' },
    );
  }
  if (norm(tax.name) !== norm(rate.name)) {
    throw new VendorWriteError(
      'vendor_rejected',
      `Jobber names this job's property's tax "${rate.name}", not "${tax.name}"`,
      { field: 'payload.taxes[0].name' },
    );
  }
}

export const invoiceCreateWrite = defineWrite('invoice.create', {
  carries: [
    'jobId',
    'currency',
    'lineItems[].pricebookItemId',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
    'taxes',
    'dueDate',
    'memo',
  ],

  /*
   * The job's invoices: the one whose subject carries the marker. Where the subject is not kept (the
   * sandbox prints every invoice "For Services Rendered"), the natural key: created since the first
   * attempt, with the command's lines, and no other command's marker.
   */
  async find(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const node = await readNode(ctx, 'job', job.externalId, [
      {
        name: 'invoices',
        first: 20,
        nodes: [
          'id',
          'subject',
          'createdAt',
          { name: 'lineItems', first: 20, nodes: ['name', 'quantity', 'unitPrice'] },
        ],
      },
    ]);
    const invoices = ((node?.['invoices'] as { nodes?: unknown[] } | undefined)?.nodes ?? []) as {
      id: string;
      subject: string | null;
      createdAt: string;
      lineItems: { nodes: { name: string; quantity: number; unitPrice: number }[] };
    }[];
    const wanted = lineKey(
      p.lineItems.map((l) => ({
        name: l.name ?? l.description,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
    );
    const match =
      invoices.find((i) => findMarker(i.subject) === ctx.marker) ??
      invoices.find(
        (i) =>
          findMarker(i.subject) === undefined &&
          Date.parse(i.createdAt) >= findSince(ctx).getTime() &&
          lineKey(i.lineItems.nodes) === wanted,
      );
    return match ? invoiceOutcome(ctx, command, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    await assertPropertyTax(ctx, job.externalId, p.taxes);
    const attributes: Record<string, unknown> = {
      jobId: job.externalId,
      subject: withMarker(p.memo ?? null, ctx.marker),
      lineItems: await jobberLines(ctx, p.lineItems),
    };
    const due = dueInDays(ctx, p.dueDate);
    if (due !== undefined) attributes['dueInDays'] = due;
    const payload = await jobberMutate(
      ctx,
      'FieldsyncInvoiceCreate',
      `mutation FieldsyncInvoiceCreate($attributes: InvoiceCreateAttributes!) {
        invoiceCreate(attributes: $attributes) { invoice { id } userErrors { message path } }
      }`,
      { attributes },
      'invoiceCreate',
      {
        fieldOf: commandFields({
          'attributes.jobId': 'payload.jobId',
          'attributes.dueInDays': 'payload.dueDate',
          ...lineFields('attributes'),
        }),
      },
    );
    return invoiceOutcome(ctx, command, createdId(payload, 'invoice', 'invoiceCreate'));
  },
});
