import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { baseEntityShape, nameSchema } from '../common/base-entity.schema';
import { idSchemas } from '../ids/canonical-id.schema';

export const WAREHOUSE_KINDS = ['warehouse', 'truck'] as const;

/** A TOM stock location: a warehouse or a technician's truck. */
export const warehouseSchema = z.strictObject({
  ...baseEntityShape('warehouse'),
  kind: z.enum(WAREHOUSE_KINDS),
  name: nameSchema,
  code: z.string().max(100).nullable(),
  address: addressSchema.nullable(),
  technicianId: idSchemas.technician.nullable(),
  active: z.boolean(),
});

export type Warehouse = z.infer<typeof warehouseSchema>;
