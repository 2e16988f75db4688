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
 * The item's price in one pricing zone or price list of the vendor (TOM's zone pricing), in the item's
 * currency. `zone` is the vendor's name for it, as its screens print it.
 */
export const zonePriceSchema = z.strictObject({
  zone: z.string().min(1).max(200),
  price: moneyAmountSchema,
});

export type ZonePrice = z.infer<typeof zonePriceSchema>;

/**
 * A catalogue item (ServiceTitan pricebook service/material/equipment, Jobber ProductOrService, HCP price
 * book service/material, TOM item). `code` is the vendor SKU (the seeds' `svc_WHTR50`); TOM inventory
 * quantities per warehouse are `StockLevel`s. `price` is the standard price; `memberPrice` the price for
 * members of a service plan where the item carries one; `zonePrices` the item's price in each pricing
 * zone it is priced in (each zone once; `[]` when the vendor prices it in none), null for a vendor that
 * has no zone pricing.
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
    zonePrices: z.array(zonePriceSchema).nullable(),
    cost: moneyAmountSchema.nullable(),
    durationMinutes: z.int().min(0).nullable(),
    taxable: z.boolean(),
    active: z.boolean(),
    inventoryTracked: z.boolean(),
  })
  .superRefine(checkMoneyPrecision)
  .superRefine((item, ctx) => {
    const seen = new Set<string>();
    (item.zonePrices ?? []).forEach((p, index) => {
      if (seen.has(p.zone))
        ctx.addIssue({
          code: 'custom',
          message: `zone ${p.zone} is priced more than once`,
          path: ['zonePrices', index, 'zone'],
        });
      seen.add(p.zone);
    });
  });

export type PricebookItem = z.infer<typeof pricebookItemSchema>;
