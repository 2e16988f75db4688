import { z } from 'zod';
import { baseEntityShape, nameSchema, textSchema } from '../common/base-entity.schema';
import { checkDateOrder } from '../common/consistency.util';
import { customFieldsSchema } from '../common/tags.schema';
import { dateSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';

/** Installed equipment / customer asset (ServiceTitan installed equipment, TOM customer equipment). */
export const equipmentSchema = z
  .strictObject({
    ...baseEntityShape('equipment'),
    customerId: idSchemas.customer,
    locationId: idSchemas.location.nullable(),
    name: nameSchema,
    type: z.string().max(200).nullable(),
    manufacturer: z.string().max(200).nullable(),
    model: z.string().max(200).nullable(),
    serialNumber: z.string().max(200).nullable(),
    installedOn: dateSchema.nullable(),
    warrantyExpiresOn: dateSchema.nullable(),
    active: z.boolean(),
    notes: textSchema.nullable(),
    customFields: customFieldsSchema,
  })
  .superRefine((equipment, ctx) => checkDateOrder(ctx, equipment, 'installedOn', 'warrantyExpiresOn'));

export type Equipment = z.infer<typeof equipmentSchema>;
