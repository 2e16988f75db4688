import { z } from 'zod';
import { baseEntityShape, nameSchema } from '../common/base-entity.schema';
import { emailAddressSchema } from '../common/contact-point.schema';

export const TECHNICIAN_ROLES = [
  'technician',
  'dispatcher',
  'csr',
  'sales',
  'manager',
  'admin',
  'owner',
  'other',
] as const;

/**
 * A field worker or office user who can be assigned to work (ServiceTitan technician/employee, Jobber
 * user, Workiz team member, HCP employee/pro, TOM employee). `vendorRole` keeps the vendor's wording.
 * Workiz assigns crews by full name, so `name` is exactly the vendor's display name.
 */
export const technicianSchema = z.strictObject({
  ...baseEntityShape('technician'),
  name: nameSchema,
  firstName: z.string().max(200).nullable(),
  lastName: z.string().max(200).nullable(),
  email: emailAddressSchema.nullable(),
  phone: z.string().max(64).nullable(),
  role: z.enum(TECHNICIAN_ROLES),
  vendorRole: z.string().max(200).nullable(),
  active: z.boolean(),
  businessUnit: z.string().max(200).nullable(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb')
    .nullable(),
});

export type Technician = z.infer<typeof technicianSchema>;
