import { WorldRuleCode, WorldRuleError, type StoredRecord } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { alertHtml, escapeHtml, renderPage } from '../../portal/html.util';
import type { PortalKit } from '../../portal/portal.types';
import { hcpId, hcpPaymentId, worldIdOf } from './housecallpro-ids.util';

/** The payment methods the invoice screen's form offers, as the API names them on a payment. */
const METHODS = {
  credit_card: { label: 'Credit card', world: 'card' },
  cash: { label: 'Cash', world: 'cash' },
  check: { label: 'Check', world: 'check' },
  ach: { label: 'ACH bank transfer', world: 'ach' },
} as const;
type Method = keyof typeof METHODS;
const CARD_BRANDS = ['Visa', 'Mastercard', 'Amex', 'Discover'] as const;

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** A dollar amount typed in the form (`12`, `12.5`, `12.34`) in cents, exactly; undefined when not one. */
export function centsOf(
  value: string | undefined,
  { allowZero }: { allowZero: boolean },
): number | undefined {
  const text = (value ?? '').trim().replace(/^\$/, '').replace(/,/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 || (allowZero && cents === 0) ? cents : undefined;
}

/**
 * The pro web app's invoice screen (`/app/invoices/{id}`), where — and only where — a payment is recorded:
 * Housecall Pro's v1 API has no endpoint for it. A form (session CSRF token in `_csrf`) takes the method
 * (credit card with brand and last four, cash, check with its number, ACH), the amount and a tip in
 * dollars, and a note (an external reference); it posts to `/app/invoices/{id}/payments`, which records
 * the payment in the world and redirects back to the screen. A refused payment (over the balance, a bad
 * amount, a missing card or check detail) re-renders the form with a 422 and the reason.
 */
export function registerInvoiceScreen(scope: FastifyInstance, kit: PortalKit): void {
  const invoiceOf = (id: string): StoredRecord<'invoice'> | undefined => {
    const worldId = worldIdOf('invoice', id);
    const found = worldId === undefined ? undefined : kit.world.world.store.get('invoice', worldId);
    return found && found.deletedOn === null ? found : undefined;
  };

  const screen = (
    request: FastifyRequest,
    reply: FastifyReply,
    invoice: StoredRecord<'invoice'>,
    status: number,
    notice: { error?: string; recorded?: string } = {},
  ) => {
    const id = hcpId('invoice', invoice.id);
    const csrf = request.portalSession?.csrfToken ?? '';
    const recorded = notice.recorded
      ? `<p id="payment-recorded" role="status" data-payment-id="${escapeHtml(notice.recorded)}">Payment recorded.</p>`
      : '';
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        renderPage({
          title: `Invoice #${invoice.referenceNumber} | Housecall Pro`,
          heading: `Invoice #${escapeHtml(invoice.referenceNumber)}`,
          head: `<meta name="csrf-token" content="${escapeHtml(csrf)}">`,
          body: `${alertHtml(notice.error)}${recorded}
<dl id="invoice-summary" data-invoice-id="${escapeHtml(id)}">
<dt>Total</dt><dd id="invoice-total">${dollars(invoice.total)}</dd>
<dt>Amount due</dt><dd id="amount-due">${dollars(invoice.balance)}</dd>
</dl>
<form method="post" action="/app/invoices/${escapeHtml(id)}/payments" id="record-payment-form">
<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
<label for="payment_method">Payment method</label>
<select id="payment_method" name="payment_method">${Object.entries(METHODS)
            .map(([value, m]) => `<option value="${value}">${m.label}</option>`)
            .join('')}</select>
<label for="amount">Amount</label>
<input id="amount" name="amount" inputmode="decimal" value="${(invoice.balance / 100).toFixed(2)}" required>
<label for="tip">Tip</label>
<input id="tip" name="tip" inputmode="decimal" value="0.00">
<label for="card_brand">Card brand</label>
<select id="card_brand" name="card_brand"><option value=""></option>${CARD_BRANDS.map((b) => `<option value="${b}">${b}</option>`).join('')}</select>
<label for="card_last4">Card last 4</label>
<input id="card_last4" name="card_last4" inputmode="numeric" maxlength="4">
<label for="check_number">Check number</label>
<input id="check_number" name="check_number">
<label for="note">Note / reference</label>
<input id="note" name="note" maxlength="500">
<button type="submit" id="record-payment">Record payment</button>
</form>`,
        }),
      );
  };

  scope.get<{ Params: { id: string }; Querystring: { recorded?: string } }>(
    '/app/invoices/:id',
    async (request, reply) => {
      const invoice = invoiceOf(request.params.id);
      if (!invoice)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(renderPage({ title: 'Not found', heading: 'Invoice not found', body: '' }));
      return screen(request, reply, invoice, 200, { recorded: request.query.recorded });
    },
  );

  scope.post<{ Params: { id: string } }>('/app/invoices/:id/payments', async (request, reply) => {
    const invoice = invoiceOf(request.params.id);
    if (!invoice)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(renderPage({ title: 'Not found', heading: 'Invoice not found', body: '' }));
    const refuse = (message: string) => screen(request, reply, invoice, 422, { error: message });
    const method = formField(request, 'payment_method') as Method | undefined;
    if (method === undefined || !(method in METHODS)) return refuse('Choose a payment method.');
    const amount = centsOf(formField(request, 'amount'), { allowZero: false });
    if (amount === undefined) return refuse('Enter an amount in dollars and cents, more than zero.');
    const tip = centsOf(formField(request, 'tip') || '0', { allowZero: true });
    if (tip === undefined) return refuse('Enter the tip in dollars and cents.');
    const world = kit.world.world;
    const type = [...world.store.all('paymentType')].find(
      (t) => t.deletedOn === null && t.active && t.method === METHODS[method].world,
    );
    if (!type) return refuse('That payment method is not set up for this company.');
    const brand = formField(request, 'card_brand') ?? '';
    const last4 = (formField(request, 'card_last4') ?? '').trim();
    if (method === 'credit_card' && (!CARD_BRANDS.includes(brand as never) || !/^\d{4}$/.test(last4))) {
      return refuse('Enter the card brand and its last 4 digits.');
    }
    const checkNumber = (formField(request, 'check_number') ?? '').trim();
    if (method === 'check' && checkNumber === '') return refuse('Enter the check number.');
    const note = (formField(request, 'note') ?? '').trim();
    try {
      const payment = world.writer.recordPayment({
        customerId: invoice.customerId,
        paymentTypeId: type.id,
        splits: [{ invoiceId: invoice.id, amount }],
        tip,
        memo: note === '' ? null : note,
        ...(method === 'credit_card'
          ? { card: { brand: brand as (typeof CARD_BRANDS)[number], last4 } }
          : {}),
        ...(method === 'check' ? { checkNumber } : {}),
      });
      kit.logger.info({ invoice: invoice.id, payment: payment.id }, 'payment recorded on the invoice screen');
      const id = hcpId('invoice', invoice.id);
      return reply.redirect(`/app/invoices/${id}?recorded=${hcpPaymentId(payment.id, invoice.id)}`, 303);
    } catch (error) {
      if (error instanceof WorldRuleError) {
        return refuse(
          error.code === WorldRuleCode.AmountExceedsBalance
            ? `The amount is more than the ${dollars(invoice.balance)} due.`
            : error.message,
        );
      }
      throw error;
    }
  });
}
