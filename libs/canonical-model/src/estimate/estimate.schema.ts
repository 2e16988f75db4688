import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkMoneyEquation } from '../common/consistency.util';
import { dateSchema, timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { lineSchema } from '../line-item/line-item.schema';
import {
  checkMoneyPrecision,
  currencySchema,
  moneyAmountSchema,
  nonNegativeMoneyAmountSchema,
} from '../money/money.schema';

export const ESTIMATE_STATUSES = ['draft', 'sent', 'approved', 'declined', 'expired', 'converted'] as const;
export const estimateStatusSchema = z.enum(ESTIMATE_STATUSES);
export const ESTIMATE_OPTION_STATUSES = ['pending', 'approved', 'declined'] as const;

/** Totals every priced document shares: total = subtotal − discount + tax, all in the document's currency. */
const totalsShape = {
  subtotal: moneyAmountSchema,
  discount: nonNegativeMoneyAmountSchema,
  tax: moneyAmountSchema,
  total: moneyAmountSchema,
};

/** One option of a multi-option estimate (Housecall Pro "good / better / best"). */
export const estimateOptionSchema = z.strictObject({
  externalId: z.string().min(1).max(512).nullable(),
  name: z.string().max(500),
  status: z.enum(ESTIMATE_OPTION_STATUSES),
  lineItems: z.array(lineSchema),
  ...totalsShape,
});

/**
 * An estimate / quote. Single-option vendors fill `lineItems` and the totals and leave `options` empty;
 * multi-option vendors list each option, and the top-level lines/totals are those of the approved option
 * (or the first one while none is approved). `jobId` is the job it belongs to (ServiceTitan) or was
 * converted into (Jobber, HCP).
 */
export const estimateSchema = z
  .strictObject({
    ...baseEntityShape('estimate'),
    number: z.string().max(100).nullable(),
    title: z.string().max(1000).nullable(),
    status: estimateStatusSchema,
    vendorStatus: z.string().max(200),
    customerId: idSchemas.customer,
    locationId: idSchemas.location.nullable(),
    jobId: idSchemas.job.nullable(),
    soldByTechnicianId: idSchemas.technician.nullable(),
    currency: currencySchema,
    lineItems: z.array(lineSchema),
    options: z.array(estimateOptionSchema),
    ...totalsShape,
    validUntil: dateSchema.nullable(),
    sentAt: timestampSchema.nullable(),
    approvedAt: timestampSchema.nullable(),
    declinedAt: timestampSchema.nullable(),
    documentUrl: z.url().nullable(),
    notes: textSchema.nullable(),
  })
  .superRefine((estimate, ctx) => {
    checkMoneyPrecision(estimate, ctx);
    checkMoneyEquation(ctx, estimate, 'total', ['subtotal', 'tax'], ['discount']);
    estimate.options.forEach((option, index) =>
      checkMoneyEquation(
        ctx,
        { ...option, currency: estimate.currency },
        'total',
        ['subtotal', 'tax'],
        ['discount'],
        ['options', index],
      ),
    );
  });

export type Estimate = z.infer<typeof estimateSchema>;
export type EstimateStatus = z.infer<typeof estimateStatusSchema>;
export type EstimateOption = z.infer<typeof estimateOptionSchema>;
