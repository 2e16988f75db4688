import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
} from '@fieldsync/connector-kit';
import { Money, type CommandOf } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { workizClient } from '../workiz.readers';
import { workizInvoiceSchema, workizOneSchema, workizPaymentSchema } from '../workiz.schemas';
import { unsupported, vendorCall } from './write-errors.util';
import {
  newestRows,
  readJob,
  webRecord,
  webRowById,
  type WebList,
  type WriteRecord,
} from './write-readback.util';
import { dollarsOf, idOf, workizLocal } from './write-values.util';

/*
 * payment.record → `job/addPayment/<job UUID>/` (Developer API): Workiz takes a payment on a job and
 * applies it to the job's invoices with a balance, oldest first; so the command's invoice must be the
 * only one of its job with a balance (else refused, naming `invoiceId`: Workiz could apply it elsewhere).
 * Method card (brand + last 4), cash, check (number) or ACH (bank transfer); the memo with the command's
 * marker on its last line goes in the payment's note (`find` looks for it among the newest payments),
 * `externalTransactionId` in its reference, `collectedAt` as its date. Not carried: a tip (Workiz's
 * addPayment has no tip field) and the processor; method `other` is refused.
 */

const PAYMENTS: WebList = { path: '/ajaxc/payments/list/', key: 'payments', idField: 'payment_id' };
const INVOICES: WebList = { path: '/ajaxc/invoices/list/', key: 'invoices', idField: 'invoice_id' };
const METHOD = { card: 'credit_card', cash: 'cash', check: 'check', ach: 'bank_transfer' } as const;
const FIELDS = {
  amount: 'payload.amount',
  paymentMethod: 'payload.method',
  date: 'payload.collectedAt',
  note: 'payload.memo',
  reference: 'payload.externalTransactionId',
  cardBrand: 'payload.cardBrand',
  cardLast4: 'payload.cardLast4',
  checkNumber: 'payload.checkNumber',
};

async function readInvoice(ctx: WriteContext, id: string, field: string): Promise<WriteRecord> {
  const row = await webRowById(ctx, INVOICES, Number(id));
  if (!row) throw new VendorWriteError('not_found', `Workiz has no invoice ${id}`, { field });
  return webRecord('invoice', workizInvoiceSchema, row, id);
}

async function outcome(ctx: WriteContext, payment: WriteRecord, invoiceId: string) {
  const invoice = await readInvoice(ctx, invoiceId, 'payload.invoiceId');
  const p = payment.raw as { amount: number; voided: boolean };
  const due = (invoice.raw as { amount_due: number }).amount_due;
  return {
    records: [payment, invoice],
    result: {
      paymentId: idOf(ctx, 'payment', payment.externalId),
      invoiceId: idOf(ctx, 'invoice', invoiceId),
      status: p.voided ? 'voided' : 'captured',
      currency: 'USD',
      amountApplied: Money.parse(p.amount, 'USD').toAmount(),
      balanceRemaining: Money.parse(due, 'USD').toAmount(),
    },
  };
}

export const paymentRecordWrite = defineWrite('payment.record', {
  carries: [
    'invoiceId',
    'currency',
    'amount',
    'method',
    'collectedAt',
    'externalTransactionId',
    'cardLast4',
    'cardBrand',
    'checkNumber',
    'memo',
  ],

  /** The payment whose note carries the marker, among the newest payments (id order: new ones last). */
  async find(ctx, command: CommandOf<'payment.record'>) {
    const invoice = await ctx.resolve(command.payload.invoiceId, 'payload.invoiceId');
    for (const row of (await newestRows(ctx, PAYMENTS)).reverse()) {
      const note = row['note'];
      if (typeof note !== 'string' || findMarker(note) !== ctx.marker) continue;
      const id = String(row['payment_id']);
      return outcome(ctx, webRecord('payment', workizPaymentSchema, row, id), invoice.externalId);
    }
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.method === 'other')
      throw unsupported('payload.method', 'records cash, card, check and bank transfer payments only');
    const amount = dollarsOf(p.amount, p.currency);
    const invoice = await ctx.resolve(p.invoiceId, 'payload.invoiceId');
    const fresh = await readInvoice(ctx, invoice.externalId, 'payload.invoiceId');
    const { job_uuid: jobUuid, amount_due: invoiceDue } = fresh.raw as {
      job_uuid: string;
      amount_due: number;
    };
    const { job } = await readJob(ctx, jobUuid);
    if (Money.parse(job.JobAmountDue, 'USD').amountMinor !== Money.parse(invoiceDue, 'USD').amountMinor) {
      throw unsupported(
        'payload.invoiceId',
        `applies a job's payment to its invoices oldest first, and job ${jobUuid} has other invoices with a balance: the payment could not be kept to this invoice`,
      );
    }
    const { timezone } = await workizClient.apiAccess(ctx);
    const body = {
      amount,
      paymentMethod: METHOD[p.method],
      ...(p.collectedAt !== undefined ? { date: workizLocal(p.collectedAt, timezone) } : {}),
      note: withMarker(p.memo, ctx.marker),
      ...(p.externalTransactionId !== undefined ? { reference: p.externalTransactionId } : {}),
      ...(p.cardBrand !== undefined ? { cardBrand: p.cardBrand } : {}),
      ...(p.cardLast4 !== undefined ? { cardLast4: p.cardLast4 } : {}),
      ...(p.checkNumber !== undefined ? { checkNumber: p.checkNumber } : {}),
    };
    const created = workizOneSchema.parse(
      await vendorCall('job/addPayment', FIELDS, () =>
        workizClient.apiPost(ctx, `/job/addPayment/${encodeURIComponent(jobUuid)}/`, body),
      ),
    );
    const { paymentId } = z.object({ paymentId: z.string().regex(/^\d+$/) }).parse(created.data);
    const row = await webRowById(ctx, PAYMENTS, Number(paymentId));
    if (!row)
      throw new VendorWriteError(
        'vendor_rejected',
        `Workiz reported payment ${paymentId} but does not list it`,
      );
    return outcome(ctx, webRecord('payment', workizPaymentSchema, row, paymentId), invoice.externalId);
  },
});
