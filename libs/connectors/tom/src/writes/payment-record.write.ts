import { Money } from '@fieldsync/canonical-model';
import { defineWrite, findMarker, withMarker, type WriteContext } from '@fieldsync/connector-kit';
import { centsOf } from '../mappers/mapping.util';
import { tomInvoiceSchema, tomPaymentSchema } from '../tom.schemas';
import { isoToTomDate, tomLocalDateOf } from '../tom-time.util';
import { assertPeriodOpen, findInGrid, idOf, readDetail, submitForm, unsupported } from './write-forms.util';

/*
 * payment.record → Receive Payment on an invoice: amount, method (cash, check with its number, ACH), the
 * date (checked against the accounting periods first: a closed one is `period_locked` naming
 * payload.collectedAt; TOM's own refusal is mapped the same way), the memo with the command's marker on
 * its last line (`find` looks for it in the payments grid). TOM charges cards in its own payment module,
 * not on this form: method card is refused by name. Not carried: a tip, the processor, a transaction id.
 */

const METHOD = { cash: 'Cash', check: 'Check', ach: 'ACH' } as const;
const FIELDS = {
  Invoice: 'payload.invoiceId',
  Amount: 'payload.amount',
  Date: 'payload.collectedAt',
  Method: 'payload.method',
  Reference: 'payload.checkNumber',
  Memo: 'payload.memo',
};

async function outcome(ctx: WriteContext, key: string, invoiceKey: string) {
  const payment = await readDetail(ctx, '/Payments', key, 'payment', tomPaymentSchema, 'payload');
  const invoice = await readDetail(
    ctx,
    '/Invoices',
    invoiceKey,
    'invoice',
    tomInvoiceSchema,
    'payload.invoiceId',
  );
  const p = payment.raw as { fields: { Amount: string; Status: string } };
  const i = invoice.raw as { fields: { Balance: string } };
  return {
    records: [payment, invoice],
    result: {
      paymentId: idOf(ctx, 'payment', key),
      invoiceId: idOf(ctx, 'invoice', invoiceKey),
      status: p.fields.Status === 'Voided' ? 'voided' : 'captured',
      currency: 'USD',
      amountApplied: Money.ofMinor(centsOf(p.fields.Amount), 'USD').toAmount(),
      balanceRemaining: Money.ofMinor(centsOf(i.fields.Balance), 'USD').toAmount(),
    },
  };
}

export const paymentRecordWrite = defineWrite('payment.record', {
  carries: ['invoiceId', 'currency', 'amount', 'method', 'collectedAt', 'checkNumber', 'memo'],
  async find(ctx, command) {
    const invoice = await ctx.resolve(command.payload.invoiceId, 'payload.invoiceId');
    const key = await findInGrid(
      ctx,
      '/Payments',
      ctx.firstAttemptAt,
      (f) => findMarker(f['Memo']) === ctx.marker,
    );
    return key === null ? null : outcome(ctx, key, invoice.externalId);
  },
  async execute(ctx, command) {
    const p = command.payload;
    if (p.currency !== 'USD') throw unsupported('payload.currency', 'the company file keeps USD');
    if (p.method === 'card' || p.method === 'other') {
      throw unsupported(
        'payload.method',
        `TOM's Receive Payment form takes cash, check or ACH, not ${p.method}`,
      );
    }
    const date = p.collectedAt ? tomLocalDateOf(new Date(p.collectedAt)) : tomLocalDateOf(ctx.now());
    await assertPeriodOpen(ctx, date, 'payload.collectedAt');
    const invoice = await ctx.resolve(p.invoiceId, 'payload.invoiceId');
    const key = await submitForm(
      ctx,
      '/Payments/New',
      {
        Invoice: invoice.externalId,
        Amount: Money.parse(p.amount, 'USD').toAmount().toFixed(2),
        Date: isoToTomDate(date),
        Method: METHOD[p.method],
        Reference: p.checkNumber ?? '',
        Memo: withMarker(p.memo, ctx.marker),
      },
      FIELDS,
    );
    return outcome(ctx, key, invoice.externalId);
  },
});
