import type { CommandOf, PaymentMethod } from '@fieldsync/canonical-model';
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
import type { JobberPaymentRecord } from '../jobber.schemas';
import { commandFields, createdId } from './write-errors.util';
import { readInvoice, readNode, readPayment } from './write-readback.util';
import { assertCurrency, idOf, money } from './write-values.util';

/*
 * payment.record → `paymentRecordCreate` (PaymentRecordCreateAttributes: the invoice, amount, payment
 * type, entry date, tip, details). Jobber has no field for a memo, a processor, a reference, a check
 * number or card details: they are written into the payment's details, in that order, with the command's
 * marker last (how `find` knows the payment).
 */

type Payload = CommandOf<'payment.record'>['payload'];

const PAYMENT_TYPE: Readonly<Record<PaymentMethod, string>> = {
  cash: 'CASH',
  check: 'CHEQUE',
  card: 'CREDIT_CARD',
  ach: 'BANK_TRANSFER',
  other: 'OTHER',
};

/** The payment's details: the memo and references Jobber has no field for, then the marker. */
function paymentDetails(p: Payload, marker: string): string {
  const parts = [
    p.memo,
    p.externalTransactionId === undefined ? undefined : `Ref ${p.externalTransactionId}`,
    p.checkNumber === undefined ? undefined : `Check #${p.checkNumber}`,
    p.cardLast4 === undefined ? undefined : `${p.cardBrand ?? 'Card'} ending ${p.cardLast4}`,
    p.cardLast4 === undefined && p.cardBrand !== undefined ? p.cardBrand : undefined,
    p.processor === undefined ? undefined : `via ${p.processor}`,
  ].filter((s): s is string => s !== undefined && s !== '');
  return withMarker(parts.join(' · '), marker);
}

async function paymentOutcome(ctx: WriteContext, paymentId: string): Promise<WriteOutcome<'payment.record'>> {
  const { payment, record } = await readPayment(ctx, paymentId);
  if (payment.invoice === null) {
    throw new VendorWriteError('vendor_rejected', 'Jobber recorded the payment on no invoice');
  }
  const { invoice, record: invoiceRecord } = await readInvoice(ctx, payment.invoice.id);
  return {
    records: [record, invoiceRecord],
    result: {
      paymentId: idOf(ctx, 'payment', payment.id),
      invoiceId: idOf(ctx, 'invoice', invoice.id),
      // Jobber lists recorded payments only: one that is listed is captured (as the mapper says).
      status: 'captured',
      currency: JOBBER_CURRENCY,
      amountApplied: money(payment.amount),
      balanceRemaining: money(invoice.amounts.invoiceBalance),
    },
  };
}

export const paymentRecordWrite = defineWrite('payment.record', {
  carries: [
    'invoiceId',
    'currency',
    'amount',
    'tipAmount',
    'method',
    'collectedAt',
    'processor',
    'externalTransactionId',
    'cardLast4',
    'cardBrand',
    'checkNumber',
    'memo',
  ],

  async find(ctx, command) {
    const invoice = await ctx.resolve(command.payload.invoiceId, 'payload.invoiceId');
    const node = await readNode(ctx, 'invoice', invoice.externalId, [
      { name: 'paymentRecords', first: 50, nodes: ['id', 'details'] },
    ]);
    const payments = ((node?.['paymentRecords'] as { nodes?: unknown[] } | undefined)?.nodes ?? []) as Pick<
      JobberPaymentRecord,
      'id' | 'details'
    >[];
    const match = payments.find((r) => findMarker(r.details) === ctx.marker);
    return match ? paymentOutcome(ctx, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const invoice = await ctx.resolve(p.invoiceId, 'payload.invoiceId');
    const attributes: Record<string, unknown> = {
      invoiceId: invoice.externalId,
      amount: p.amount,
      paymentType: PAYMENT_TYPE[p.method],
      details: paymentDetails(p, ctx.marker),
    };
    if (p.collectedAt !== undefined) attributes['entryDate'] = p.collectedAt;
    if (p.tipAmount !== undefined) attributes['tipAmount'] = p.tipAmount;
    const payload = await jobberMutate(
      ctx,
      'FieldsyncPaymentRecordCreate',
      `mutation FieldsyncPaymentRecordCreate($attributes: PaymentRecordCreateAttributes!) {
        paymentRecordCreate(attributes: $attributes) { paymentRecord { id } userErrors { message path } }
      }`,
      { attributes },
      'paymentRecordCreate',
      {
        fieldOf: commandFields({
          'attributes.invoiceId': 'payload.invoiceId',
          'attributes.amount': 'payload.amount',
          'attributes.paymentType': 'payload.method',
          'attributes.entryDate': 'payload.collectedAt',
          'attributes.tipAmount': 'payload.tipAmount',
          // The balance rule is reported on the whole input: it concerns the amount.
          attributes: 'payload.amount',
        }),
      },
    );
    return paymentOutcome(ctx, createdId(payload, 'paymentRecord', 'paymentRecordCreate'));
  },
});
