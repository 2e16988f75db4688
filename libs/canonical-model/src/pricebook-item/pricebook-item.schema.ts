import { z } from 'zod';
import { baseEntityShape, nameSchema, textSchema } from '../common/base-entity.schema';
import { checkMoneyPrecision, currencySchema, moneyAmountSchema } from '../money/money.schema';

export const PRICEBOOK_ITEM_KINDS = [
  'service',
  'material',
  'equipment',
  'bundle',
  'discount',
  'fee',
  'other',
] as const;

/**
 * A catalogue item (ServiceTitan pricebook service/material/equipment, Jobber ProductOrService, HCP price
 * book service/material, TOM item). `code` is the vendor SKU (the seeds' `svc_WHTR50`); TOM inventory
 * quantities per warehouse are `StockLevel`s.
 */
export const pricebookItemSchema = z
  .strictObject({
    ...baseEntityShape('pricebook_item'),
    kind: z.enum(PRICEBOOK_ITEM_KINDS),
    code: z.string().max(200).nullable(),
    name: nameSchema,
    description: textSchema.nullable(),
    category: z.string().max(500).nullable(),
    unit: z.string().max(50).nullable(),
    currency: currencySchema,
    price: moneyAmountSchema,
    memberPrice: moneyAmountSchema.nullable(),
    cost: moneyAmountSchema.nullable(),
    durationMinutes: z.int().min(0).nullable(),
    taxable: z.boolean(),
    active: z.boolean(),
    inventoryTracked: z.boolean(),
  })
  .superRefine(checkMoneyPrecision);

export type PricebookItem = z.infer<typeof pricebookItemSchema>;
