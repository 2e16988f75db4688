import { z } from 'zod';
import { baseEntityShape } from '../common/base-entity.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { quantitySchema } from '../line-item/line-item.schema';

/**
 * Quantity of one item in one warehouse/truck (TOM). TOM has no id for the pair, so connectors use
 * `<warehouseExternalId>:<itemExternalId>` as the externalId.
 */
export const stockLevelSchema = z.strictObject({
  ...baseEntityShape('stock_level'),
  warehouseId: idSchemas.warehouse,
  pricebookItemId: idSchemas.pricebook_item,
  unit: z.string().max(50).nullable(),
  quantityOnHand: quantitySchema,
  quantityReserved: quantitySchema.nullable(),
  quantityOnOrder: quantitySchema.nullable(),
  reorderPoint: quantitySchema.nullable(),
});

export type StockLevel = z.infer<typeof stockLevelSchema>;
