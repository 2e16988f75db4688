import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { baseEntityShape, nameSchema, textSchema } from '../common/base-entity.schema';
import { emailSchema, phoneSchema } from '../common/contact-point.schema';
import { customFieldsSchema, tagsSchema } from '../common/tags.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { moneyAmountSchema, currencySchema, checkMoneyPrecision } from '../money/money.schema';

export const CUSTOMER_TYPES = ['residential', 'commercial'] as const;

/**
 * A customer (ServiceTitan customer, Jobber/Workiz client, Housecall Pro customer, TOM customer).
 * Service locations are separate `Location` entities pointing back by `customerId`; `defaultLocationId`
 * is the one the vendor marks as default (Jobber `defaultPropertyId`). `balance` is the vendor's account
 * balance (amount owed) in `currency`. `mergedIntoId` follows ServiceTitan's `mergedToId`.
 */
export const customerSchema = z
  .strictObject({
    ...baseEntityShape('customer'),
    number: z.string().max(100).nullable(),
    displayName: nameSchema,
    firstName: z.string().max(200).nullable(),
    lastName: z.string().max(200).nullable(),
    companyName: z.string().max(500).nullable(),
    type: z.enum(CUSTOMER_TYPES).nullable(),
    active: z.boolean(),
    emails: z.array(emailSchema),
    phones: z.array(phoneSchema),
    billingAddress: addressSchema.nullable(),
    defaultLocationId: idSchemas.location.nullable(),
    currency: currencySchema,
    balance: moneyAmountSchema.nullable(),
    marketingOptIn: z.boolean().nullable(),
    doNotService: z.boolean(),
    leadSource: z.string().max(200).nullable(),
    notes: textSchema.nullable(),
    tags: tagsSchema,
    customFields: customFieldsSchema,
    mergedIntoId: idSchemas.customer.nullable(),
  })
  .superRefine(checkMoneyPrecision);

export type Customer = z.infer<typeof customerSchema>;
