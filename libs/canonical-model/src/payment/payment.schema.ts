import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { containsCardNumber } from '../common/card-number.util';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { Money } from '../money/money.util';
import {
  checkMoneyPrecision,
  currencySchema,
  moneyAmountSchema,
  nonNegativeMoneyAmountSchema,
} from '../money/money.schema';

export const PAYMENT_STATUSES = ['pending', 'captured', 'failed', 'refunded', 'voided'] as const;
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
export const PAYMENT_METHODS = ['card', 'ach', 'cash', 'check', 'other'] as const;
export const paymentMethodSchema = z.enum(PAYMENT_METHODS);

/** Only ever the last four digits: a full card number is never stored, logged or emitted. */
export const last4Schema = z.string().regex(/^\d{4}$/, 'last4 must be exactly 4 digits');

export const cardDetailsSchema = z.strictObject({
  brand: z.string().max(50).nullable(),
  last4: last4Schema,
});

/** Free text that must not carry a card number (memo, processor references). */
export const cardSafeTextSchema = textSchema.refine(
  (text) => !containsCardNumber(text),
  'must not contain a payment card number; store only the last 4 digits in card.last4',
);

export const paymentApplicationSchema = z.strictObject({
  invoiceId: idSchemas.invoice,
  amount: moneyAmountSchema,
});

/**
 * A payment received. `amount` excludes `tipAmount`; `fee` is the processor fee when known. `invoiceId` is
 * the invoice it pays; `appliedTo` lists the split when one payment covers several invoices (ServiceTitan
 * `splits`), and is empty otherwise. `method` is canonical (Jobber CREDIT_CARD and JOBBER_PAYMENTS → card,
 * BANK_TRANSFER → ach, CHEQUE → check) with the vendor's wording in `vendorMethod`.
 */
export const paymentSchema = z
  .strictObject({
    ...baseEntityShape('payment'),
    status: paymentStatusSchema,
    vendorStatus: z.string().max(200),
    customerId: idSchemas.customer.nullable(),
    invoiceId: idSchemas.invoice.nullable(),
    appliedTo: z.array(paymentApplicationSchema),
    method: paymentMethodSchema,
    vendorMethod: z.string().max(200).nullable(),
    card: cardDetailsSchema.nullable(),
    checkNumber: z.string().max(50).nullable(),
    currency: currencySchema,
    amount: moneyAmountSchema,
    tipAmount: nonNegativeMoneyAmountSchema,
    fee: nonNegativeMoneyAmountSchema.nullable(),
    refundedAmount: nonNegativeMoneyAmountSchema,
    collectedAt: timestampSchema.nullable(),
    processor: z.string().max(100).nullable(),
    externalTransactionId: cardSafeTextSchema.nullable(),
    memo: cardSafeTextSchema.nullable(),
  })
  .superRefine((payment, ctx) => {
    checkMoneyPrecision(payment, ctx);
    if (payment.card !== null && payment.method !== 'card') {
      ctx.addIssue({
        code: 'custom',
        message: 'card details are only allowed when method is card',
        path: ['card'],
      });
    }
    if (payment.checkNumber !== null && payment.method !== 'check') {
      ctx.addIssue({
        code: 'custom',
        message: 'checkNumber is only allowed when method is check',
        path: ['checkNumber'],
      });
    }
    const money = (amount: number) => {
      try {
        return Money.fromAmount(amount, payment.currency);
      } catch {
        return undefined;
      }
    };
    const amount = money(payment.amount);
    const refunded = money(payment.refundedAmount);
    if (amount && refunded && refunded.compare(amount.abs()) > 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'refundedAmount must not exceed amount',
        path: ['refundedAmount'],
      });
    }
    const applied = payment.appliedTo.map((application) => money(application.amount));
    if (amount && applied.every((m) => m !== undefined)) {
      const sum = Money.sum(applied, payment.currency);
      if (sum.abs().compare(amount.abs()) > 0) {
        ctx.addIssue({
          code: 'custom',
          message: 'appliedTo amounts must not exceed amount',
          path: ['appliedTo'],
        });
      }
    }
  });

export type Payment = z.infer<typeof paymentSchema>;
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;
