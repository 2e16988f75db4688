import { z } from 'zod';
import { baseEntityShape, nameSchema } from '../common/base-entity.schema';
import { checkDateOrder } from '../common/consistency.util';
import { dateSchema, timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { checkMoneyPrecision, currencySchema, moneyAmountSchema } from '../money/money.schema';

export const MEMBERSHIP_STATUSES = ['pending', 'active', 'suspended', 'expired', 'canceled'] as const;
export const membershipStatusSchema = z.enum(MEMBERSHIP_STATUSES);
export const BILLING_FREQUENCIES = [
  'monthly',
  'quarterly',
  'semiannual',
  'annual',
  'one_time',
  'other',
] as const;

/** A membership / service agreement / maintenance plan (ServiceTitan memberships, HCP service plans, TOM agreements). */
export const membershipSchema = z
  .strictObject({
    ...baseEntityShape('membership'),
    customerId: idSchemas.customer,
    locationId: idSchemas.location.nullable(),
    name: nameSchema,
    status: membershipStatusSchema,
    vendorStatus: z.string().max(200),
    startDate: dateSchema.nullable(),
    endDate: dateSchema.nullable(),
    nextVisitDate: dateSchema.nullable(),
    autoRenew: z.boolean().nullable(),
    billingFrequency: z.enum(BILLING_FREQUENCIES).nullable(),
    currency: currencySchema,
    price: moneyAmountSchema.nullable(),
    visitsIncluded: z.int().min(0).nullable(),
    visitsUsed: z.int().min(0).nullable(),
    canceledAt: timestampSchema.nullable(),
  })
  .superRefine((membership, ctx) => {
    checkMoneyPrecision(membership, ctx);
    checkDateOrder(ctx, membership, 'startDate', 'endDate');
  });

export type Membership = z.infer<typeof membershipSchema>;
export type MembershipStatus = z.infer<typeof membershipStatusSchema>;
