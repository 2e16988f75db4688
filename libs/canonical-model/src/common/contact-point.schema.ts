import { z } from 'zod';

export const PHONE_TYPES = ['mobile', 'home', 'work', 'fax', 'other'] as const;
export const EMAIL_TYPES = ['personal', 'work', 'billing', 'other'] as const;

/** E.164: `+` then 7–15 digits, no leading zero in the country code. */
export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 phone number such as +16195551234');

/**
 * A phone number. `number` is what the vendor shows (kept so nothing is lost); `e164` is the
 * normalised form when it could be derived (see `normalizePhoneNumber`), otherwise null. A junk number
 * must not quarantine a whole customer, so `number` is only required to be non-empty.
 */
export const phoneSchema = z.strictObject({
  type: z.enum(PHONE_TYPES),
  number: z.string().trim().min(1, 'phone number must not be empty').max(64),
  e164: e164Schema.nullable(),
  extension: z
    .string()
    .regex(/^\d{1,10}$/, 'extension must be 1-10 digits')
    .nullable(),
  primary: z.boolean(),
});

/** Deliberately lenient (vendors hold imperfect addresses): one `@`, no whitespace, a dot in the domain. */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address such as name@example.com');

export const emailSchema = z.strictObject({
  type: z.enum(EMAIL_TYPES),
  address: emailAddressSchema,
  primary: z.boolean(),
});

export type Phone = z.infer<typeof phoneSchema>;
export type Email = z.infer<typeof emailSchema>;
