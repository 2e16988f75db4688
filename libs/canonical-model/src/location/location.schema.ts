import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { customFieldsSchema, tagsSchema } from '../common/tags.schema';
import { idSchemas } from '../ids/canonical-id.schema';

/**
 * A service location (ServiceTitan location, Jobber property, HCP service address, TOM customer location).
 * `name` is the label the vendor shows ("Home", "Clinic"). Geocodes live in `address.geo`.
 */
export const locationSchema = z.strictObject({
  ...baseEntityShape('location'),
  customerId: idSchemas.customer,
  name: z.string().max(500).nullable(),
  address: addressSchema,
  active: z.boolean(),
  taxCode: z.string().max(100).nullable(),
  notes: textSchema.nullable(),
  tags: tagsSchema,
  customFields: customFieldsSchema,
  mergedIntoId: idSchemas.location.nullable(),
});

export type Location = z.infer<typeof locationSchema>;
