import { Money, canonicalId, type CommandOf, type PaymentMethod } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { HousecallProClient } from '../housecallpro.client';
import {
  housecallproInvoiceRecordSchema,
  housecallproInvoiceSchema,
  housecallproPaymentRecordSchema,
  type HousecallProInvoiceRecord,
} from '../housecallpro.schemas';
import { HOUSECALLPRO_CURRENCY, money } from '../mappers/mapping.util';

/*
 * payment.record → the pro web app's invoice screen (`/app/invoices/{id}`): Housecall Pro's v1 API has no
 * payment endpoint, so the write fills and submits the screen's "Record payment" form in the
 * WriteContext's portal page, then reads the invoice back through the API. The form has a method (credit
 * card with brand and last four, cash, check with its number, ACH), an amount, a tip and a note: the memo
 * and the external reference go into the note, with the command's marker last (how `find` knows the
 * payment). It has no date (the payment is recorded now) and no processor: `collectedAt` and `processor`
 * are not carried, so the writer refuses them by name.
 */

type Payload = CommandOf<'payment.record'>['payload'];

const METHOD: Readonly<Partial<Record<PaymentMethod, string>>> = {
  card: 'credit_card',
  cash: 'cash',
  check: 'check',
  ach: 'ach',
};
const CARD_BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'Amex',
  'american express': 'Amex',
  discover: 'Discover',
};

const client = new HousecallProClient();

/** The note: the memo and the reference the form has no field for, then the marker. */
function note(p: Payload, marker: string): string {
  const parts = [p.memo, p.externalTransactionId === undefined ? undefined : `Ref ${p.externalTransactionId}`]
    .filter((s): s is string => s !== undefined && s.trim() !== '')
    .map((s) => s.replace(/\s+/g, ' ').trim());
  return [...parts, marker].join(' · ');
}

const dollars = (amount: number): string => Money.fromAmount(amount, HOUSECALLPRO_CURRENCY).toDecimalString();

/** The invoice as the invoices stream yields it (its customer and address from the stored record). */
async function invoiceRecord(
  ctx: WriteContext,
  stored: HousecallProInvoiceRecord,
): Promise<HousecallProInvoiceRecord> {
  const invoice = housecallproInvoiceSchema.parse(
    await client.get(ctx, `/api/invoices/${encodeURIComponent(stored.id)}`),
  );
  return { ...stored, invoice };
}

function outcome(
  ctx: WriteContext,
  record: HousecallProInvoiceRecord,
  paymentId: string,
): WriteOutcome<'payment.record'> {
  const payment = record.invoice.payments.find((p) => p.id === paymentId);
  if (!payment) throw new VendorWriteError('vendor_rejected', `Housecall Pro lists no payment ${paymentId}`);
  const raw = housecallproPaymentRecordSchema.parse({
    ...payment,
    invoice_id: record.invoice.id,
    customer_id: record.customer_id,
  });
  return {
    records: [
      { kind: 'record', entity: 'payment', externalId: payment.id, raw, deleted: false },
      { kind: 'record', entity: 'invoice', externalId: record.id, raw: record, deleted: false },
    ],
    result: {
      paymentId: canonicalId(ctx.connectionId, 'payment', payment.id),
      invoiceId: canonicalId(ctx.connectionId, 'invoice', record.id),
      status: payment.status === 'succeeded' ? 'captured' : payment.status,
      currency: HOUSECALLPRO_CURRENCY,
      amountApplied: money(payment.amount),
      balanceRemaining: money(record.invoice.due_amount),
    },
  };
}

async function storedInvoice(ctx: WriteContext, invoiceId: string): Promise<HousecallProInvoiceRecord> {
  const resolved = await ctx.resolve(invoiceId, 'payload.invoiceId');
  const parsed = housecallproInvoiceRecordSchema.safeParse(resolved.raw);
  if (!parsed.success) {
    throw new VendorWriteError('not_found', `invoice ${invoiceId} is not a Housecall Pro invoice record`, {
      field: 'payload.invoiceId',
    });
  }
  return parsed.data;
}

export const paymentRecordWrite = defineWrite('payment.record', {
  carries: [
    'invoiceId',
    'currency',
    'amount',
    'tipAmount',
    'method',
    'externalTransactionId',
    'cardLast4',
    'cardBrand',
    'checkNumber',
    'memo',
  ],

  async find(ctx, command) {
    const record = await invoiceRecord(ctx, await storedInvoice(ctx, command.payload.invoiceId));
    const match = record.invoice.payments.find((p) => findMarker(p.note) === ctx.marker);
    return match ? outcome(ctx, record, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.currency !== HOUSECALLPRO_CURRENCY) {
      throw new VendorWriteError('unsupported', `Housecall Pro records ${HOUSECALLPRO_CURRENCY} only`, {
        field: 'payload.currency',
      });
    }
    const method = METHOD[p.method];
    if (method === undefined) {
      throw new VendorWriteError('unsupported', `the invoice screen offers no "${p.method}" payment method`, {
        field: 'payload.method',
      });
    }
    const brand = p.cardBrand === undefined ? undefined : CARD_BRANDS[p.cardBrand.trim().toLowerCase()];
    if (p.method === 'card' && (p.cardLast4 === undefined || brand === undefined)) {
      throw new VendorWriteError(
        'validation_failed',
        'the invoice screen needs the card brand (Visa, Mastercard, Amex or Discover) and its last 4 digits',
        { field: p.cardLast4 === undefined ? 'payload.cardLast4' : 'payload.cardBrand' },
      );
    }
    if (p.method === 'check' && p.checkNumber === undefined) {
      throw new VendorWriteError('validation_failed', 'the invoice screen needs the check number', {
        field: 'payload.checkNumber',
      });
    }
    const stored = await storedInvoice(ctx, p.invoiceId);
    const alert = await ctx.portal(async (page) => {
      await page.goto(`${ctx.session.portalUrl}/app/invoices/${encodeURIComponent(stored.id)}`);
      if ((await page.locator('#record-payment-form').count()) === 0) {
        throw new VendorWriteError('vendor_rejected', 'the invoice screen has no record-payment form', {
          field: 'payload.invoiceId',
        });
      }
      await page.selectOption('#payment_method', method);
      await page.fill('#amount', dollars(p.amount));
      await page.fill('#tip', dollars(p.tipAmount ?? 0));
      if (brand !== undefined) await page.selectOption('#card_brand', brand);
      if (p.cardLast4 !== undefined) await page.fill('#card_last4', p.cardLast4);
      if (p.checkNumber !== undefined) await page.fill('#check_number', p.checkNumber);
      await page.fill('#note', note(p, ctx.marker));
      await Promise.all([page.waitForLoadState('load'), page.click('#record-payment')]);
      await page.locator('#payment-recorded, [role=alert]').first().waitFor({ timeout: 15_000 });
      return (await page.locator('[role=alert]').count()) > 0
        ? ((await page.locator('[role=alert]').first().textContent()) ?? '').trim()
        : null;
    });
    if (alert !== null) {
      throw new VendorWriteError('vendor_rejected', `Housecall Pro refused the payment: ${alert}`, {
        field: 'payload.amount',
      });
    }
    const record = await invoiceRecord(ctx, stored);
    const match = record.invoice.payments.find((x) => findMarker(x.note) === ctx.marker);
    if (!match) throw new VendorWriteError('vendor_rejected', 'the recorded payment is not on the invoice');
    return outcome(ctx, record, match.id);
  },
});
