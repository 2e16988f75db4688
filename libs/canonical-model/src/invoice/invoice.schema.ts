import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkDateOrder, checkMoneyEquation } from '../common/consistency.util';
import { dateSchema, timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { lineSchema } from '../line-item/line-item.schema';
import {
  checkMoneyPrecision,
  currencySchema,
  moneyAmountSchema,
  nonNegativeMoneyAmountSchema,
} from '../money/money.schema';

export const INVOICE_STATUSES = ['draft', 'open', 'partially_paid', 'paid', 'void'] as const;
export const invoiceStatusSchema = z.enum(INVOICE_STATUSES);

/** Percent as a decimal number: 8.25 means 8.25 %. */
export const percentSchema = z.number().min(0).max(100);

export const taxLineSchema = z.strictObject({
  name: z.string().max(200),
  ratePercent: percentSchema.nullable(),
  amount: moneyAmountSchema,
});

export const discountLineSchema = z.strictObject({
  name: z.string().max(200).nullable(),
  percent: percentSchema.nullable(),
  amount: nonNegativeMoneyAmountSchema,
});

/**
 * An invoice. Amounts are in `currency` and hold, exactly in minor units:
 * `total = subtotal − discount + tax` and `balance = total − amountPaid`. Overdue is not a status: compare
 * `dueDate` with today. `taxes`/`discounts` itemise `tax`/`discount` when the vendor does.
 */
export const invoiceSchema = z
  .strictObject({
    ...baseEntityShape('invoice'),
    number: z.string().max(100).nullable(),
    status: invoiceStatusSchema,
    vendorStatus: z.string().max(200),
    customerId: idSchemas.customer,
    locationId: idSchemas.location.nullable(),
    jobId: idSchemas.job.nullable(),
    currency: currencySchema,
    lineItems: z.array(lineSchema),
    taxes: z.array(taxLineSchema),
    discounts: z.array(discountLineSchema),
    subtotal: moneyAmountSchema,
    discount: nonNegativeMoneyAmountSchema,
    tax: moneyAmountSchema,
    total: moneyAmountSchema,
    amountPaid: moneyAmountSchema,
    balance: moneyAmountSchema,
    issuedDate: dateSchema.nullable(),
    dueDate: dateSchema.nullable(),
    sentAt: timestampSchema.nullable(),
    paidAt: timestampSchema.nullable(),
    voidedAt: timestampSchema.nullable(),
    documentUrl: z.url().nullable(),
    memo: textSchema.nullable(),
  })
  .superRefine((invoice, ctx) => {
    checkMoneyPrecision(invoice, ctx);
    checkMoneyEquation(ctx, invoice, 'total', ['subtotal', 'tax'], ['discount']);
    checkMoneyEquation(ctx, invoice, 'balance', ['total'], ['amountPaid']);
    checkDateOrder(ctx, invoice, 'issuedDate', 'dueDate');
    if (invoice.status === 'paid' && invoice.balance > 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'a paid invoice must not have a positive balance',
        path: ['balance'],
      });
    }
  });

export type Invoice = z.infer<typeof invoiceSchema>;
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;
export type TaxLine = z.infer<typeof taxLineSchema>;
export type DiscountLine = z.infer<typeof discountLineSchema>;
