import { z } from 'zod';
import { baseEntityShape } from '../common/base-entity.schema';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { checkMoneyPrecision, currencySchema, positiveMoneyAmountSchema } from '../money/money.schema';
import { cardSafeTextSchema, paymentMethodSchema } from '../payment/payment.schema';

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export const refundStatusSchema = z.enum(REFUND_STATUSES);

/** Money returned against a payment. `amount` is positive (the amount given back). */
export const refundSchema = z
  .strictObject({
    ...baseEntityShape('refund'),
    paymentId: idSchemas.payment,
    invoiceId: idSchemas.invoice.nullable(),
    status: refundStatusSchema,
    vendorStatus: z.string().max(200),
    method: paymentMethodSchema,
    currency: currencySchema,
    amount: positiveMoneyAmountSchema,
    reason: cardSafeTextSchema.nullable(),
    refundedAt: timestampSchema.nullable(),
    externalTransactionId: cardSafeTextSchema.nullable(),
  })
  .superRefine(checkMoneyPrecision);

export type Refund = z.infer<typeof refundSchema>;
export type RefundStatus = z.infer<typeof refundStatusSchema>;
