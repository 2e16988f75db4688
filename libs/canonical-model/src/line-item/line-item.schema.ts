import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { checkMoneyPrecision, currencySchema, moneyAmountSchema } from '../money/money.schema';

export const LINE_ITEM_KINDS = [
  'service',
  'material',
  'equipment',
  'labor',
  'discount',
  'fee',
  'other',
] as const;
export const LINE_ITEM_PARENT_TYPES = ['job', 'estimate', 'invoice', 'purchase_order'] as const;

/** Decimal quantity (1.5 hours, HCP `qty_in_hundredths` / 100): finite, at most 6 decimals. */
export const quantitySchema = z
  .number()
  .refine((value) => Number.isFinite(value) && Math.abs(value) < 1e12, 'quantity is out of range')
  .refine((value) => /^-?\d+(\.\d{1,6})?$/.test(String(value)), 'quantity must have at most 6 decimals');

/**
 * The fields of one priced line (ServiceTitan items incl. PriceModifier lines as `discount`/`fee`, Jobber
 * line items, HCP items, TOM items). `total` is the vendor's extended amount for the line; it is not
 * forced to equal quantity × unitPrice because vendors apply line-level discounts and rounding of their
 * own (use `Money.multiply` to compute one). Discount lines carry a negative total.
 */
export const lineItemFields = {
  kind: z.enum(LINE_ITEM_KINDS),
  name: z.string().max(500),
  description: textSchema.nullable(),
  pricebookItemId: idSchemas.pricebook_item.nullable(),
  sku: z.string().max(200).nullable(),
  quantity: quantitySchema,
  unit: z.string().max(50).nullable(),
  unitPrice: moneyAmountSchema,
  unitCost: moneyAmountSchema.nullable(),
  total: moneyAmountSchema,
  taxable: z.boolean().nullable(),
  taxCode: z.string().max(100).nullable(),
  position: z.int().min(0),
};

/** A line embedded in its parent document (estimate, invoice, job, purchase order). */
export const lineSchema = z.strictObject({
  id: idSchemas.line_item,
  externalId: z.string().min(1).max(512).nullable(),
  ...lineItemFields,
});

/**
 * A line item as an entity of its own, for vendors that expose lines separately (ServiceTitan
 * invoice-items export, HCP `/jobs/{id}/line_items`), so line changes can be streamed. It points to its
 * parent by canonical id; the same line also appears embedded in the parent's `lineItems`.
 */
export const lineItemSchema = z
  .strictObject({
    ...baseEntityShape('line_item'),
    parentType: z.enum(LINE_ITEM_PARENT_TYPES),
    parentId: z.string(),
    currency: currencySchema,
    ...lineItemFields,
  })
  .superRefine((item, ctx) => {
    const expectedPrefix = { job: 'job_', estimate: 'qte_', invoice: 'inv_', purchase_order: 'po_' }[
      item.parentType
    ];
    if (
      !item.parentId.startsWith(expectedPrefix) ||
      !idSchemas[item.parentType].safeParse(item.parentId).success
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `parentId must be a canonical ${item.parentType} id`,
        path: ['parentId'],
      });
    }
    checkMoneyPrecision(item, ctx);
  });

export type Line = z.infer<typeof lineSchema>;
export type LineItem = z.infer<typeof lineItemSchema>;
