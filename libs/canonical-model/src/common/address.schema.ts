import { z } from 'zod';

export const geoPointSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

/**
 * A postal address as the seeds show it (`line1`, `city`, `region`, `postalCode`, `country`).
 * Vendors often omit parts, so everything but `line1` may be null; `country` is ISO 3166-1 alpha-2.
 */
export const addressSchema = z.strictObject({
  line1: z.string().trim().min(1, 'address line1 must not be empty'),
  line2: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as US')
    .nullable(),
  geo: geoPointSchema.nullable(),
});

export type Address = z.infer<typeof addressSchema>;
export type GeoPoint = z.infer<typeof geoPointSchema>;
