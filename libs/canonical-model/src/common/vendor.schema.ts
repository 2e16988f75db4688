import { z } from 'zod';

/** The five field-service platforms fieldsync connects to. An unknown vendor id is an error, never a fallback. */
export const VENDORS = ['servicetitan', 'jobber', 'workiz', 'housecallpro', 'tom'] as const;

export const vendorSchema = z.enum(VENDORS, {
  error: (issue) => `unknown vendor ${JSON.stringify(issue.input)}; expected one of ${VENDORS.join(', ')}`,
});

export type Vendor = z.infer<typeof vendorSchema>;
