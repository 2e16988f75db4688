import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { emailSchema, phoneSchema } from '../common/contact-point.schema';
import { idSchemas } from '../ids/canonical-id.schema';

/**
 * A person or contact point attached to a customer (and optionally one of its locations): ServiceTitan
 * customer/location contacts, Jobber client contacts, TOM contacts. `role` is free text ("Property manager").
 */
export const contactSchema = z.strictObject({
  ...baseEntityShape('contact'),
  customerId: idSchemas.customer,
  locationId: idSchemas.location.nullable(),
  name: z.string().max(500).nullable(),
  firstName: z.string().max(200).nullable(),
  lastName: z.string().max(200).nullable(),
  role: z.string().max(200).nullable(),
  emails: z.array(emailSchema),
  phones: z.array(phoneSchema),
  isPrimary: z.boolean(),
  doNotText: z.boolean(),
  notes: textSchema.nullable(),
});

export type Contact = z.infer<typeof contactSchema>;
