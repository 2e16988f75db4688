import type { PaymentMethod } from '@fieldsync/canonical-model';
import { VendorWriteError, defineWrite, findMarker, withMarker } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { readLookup } from './write-lookups.util';
import { readBackPayment, readInvoice, readPayments } from './write-readback.util';
import { assertCurrency, resolveId, since } from './write-values.util';

/*
 * payment.record → accounting `Payments_Create` (PaymentCreateRequest): the tenant's payment type for the
 * method (`typeId`), the memo with the command's marker (which `find` looks for), `collectedAt` as
 * `paidOn`, the external transaction id as `authCode`, the check number, and one split applying the
 * amount to the invoice. `currency` must be the tenant's.
 *
 * Tips are not carried (refused by name, `payload.tipAmount`, a 0 included). PaymentCreateRequest
 * (reference/openapi/servicetitan/tenant-accounting-v2.yml) has typeId, memo, paidOn, authCode,
 * checkNumber, exportId, transactionStatus, status and splits[{ invoiceId, amount }], and
 * `additionalProperties: false`: no tip field. A split applies money to an invoice, and a tip is not owed
 * on it (applied there it would overpay the invoice); a split without an invoice is an unapplied amount,
 * which ServiceTitan keeps as the customer's credit for later invoices, not a tip; a note in the memo
 * would record words, not money (the payment's total would not include the tip, so the deposit would not
 * reconcile) and no read gives it back. None of these is the tip the command asks to record.
 *
 * Not carried either: processor, cardLast4 and cardBrand (the request has no processor or card fields;
 * `authCode` is the only processor reference).
 */

const client = new ServiceTitanClient();

/** Words a tenant's payment type names carry for each canonical method (`other` has none). */
const METHOD_WORDS: Partial<Record<PaymentMethod, RegExp>> = {
  card: /card|credit|visa/i,
  ach: /ach|echeck|bank/i,
  cash: /cash/i,
  check: /^check|cheque/i,
};

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  typeId: 'payload.method',
  'splits.invoiceId': 'payload.invoiceId',
  'splits.amount': 'payload.amount',
  splits: 'payload.amount',
  memo: 'payload.memo',
  paidOn: 'payload.collectedAt',
  authCode: 'payload.externalTransactionId',
  checkNumber: 'payload.checkNumber',
} as const;

export const paymentRecordWrite = defineWrite('payment.record', {
  carries: [
    'invoiceId',
    'currency',
    'amount',
    'method',
    'collectedAt',
    'externalTransactionId',
    'checkNumber',
    'memo',
  ],

  async find(ctx, command) {
    const invoiceId = await resolveId(ctx, command.payload.invoiceId, 'payload.invoiceId');
    const invoice = await readInvoice(ctx, invoiceId);
    const match = (
      await readPayments(ctx, { customerId: String(invoice.customer.id), createdOnOrAfter: since(ctx) })
    ).find(
      (pay) => findMarker(pay.memo) === ctx.marker && pay.appliedTo.some((a) => a.appliedTo === invoiceId),
    );
    return match ? readBackPayment(ctx, command, match.id, invoiceId) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const invoiceId = await resolveId(ctx, p.invoiceId, 'payload.invoiceId');
    const words = METHOD_WORDS[p.method];
    const type = words
      ? (await readLookup(ctx, 'accounting', 'payment-types')).find((t) => words.test(t.name))
      : undefined;
    if (!type) {
      throw new VendorWriteError('vendor_rejected', `ServiceTitan has no payment type for ${p.method}`, {
        field: 'payload.method',
      });
    }
    const created = (await client.post(
      ctx,
      'accounting',
      'payments',
      {
        typeId: type.id,
        memo: withMarker(p.memo, ctx.marker),
        ...(p.collectedAt ? { paidOn: p.collectedAt } : {}),
        ...(p.externalTransactionId ? { authCode: p.externalTransactionId } : {}),
        ...(p.checkNumber ? { checkNumber: p.checkNumber } : {}),
        splits: [{ invoiceId, amount: p.amount }],
      },
      FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST payments: the answer has no id');
    return readBackPayment(ctx, command, created.id, invoiceId);
  },
});
