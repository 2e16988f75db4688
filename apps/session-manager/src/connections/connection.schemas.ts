import { tenantIdSchema, vendorSchema } from '@fieldsync/canonical-model';
import { z } from 'zod';

const E164 = /^\+[1-9]\d{6,14}$/;
const BASE32 = /^[A-Z2-7]+=*$/;

/** Where the vendor portal lives: http(s) origin (path ignored), no credentials in it. */
const portalUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://go.servicetitan.com' })
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not contain credentials')
  .transform((value) => new URL(value).origin);

export const mfaInputSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({ method: z.literal('none') }),
    z.strictObject({
      method: z.literal('totp'),
      secret: z
        .string()
        .transform((s) => s.replace(/\s+/g, '').toUpperCase())
        .refine(
          (s) => s.length >= 16 && BASE32.test(s),
          'must be a base32 TOTP secret of at least 16 characters',
        ),
    }),
    z.strictObject({
      method: z.literal('sms'),
      phone: z.string().regex(E164, 'must be an E.164 phone number such as +15555550101'),
    }),
    z.strictObject({ method: z.literal('email'), email: z.email('must be an email address') }),
  ],
  { error: 'mfa.method must be one of none, totp, sms, email' },
);
export type MfaInput = z.infer<typeof mfaInputSchema>;

const ssoSchema = z.strictObject({ username: z.string().min(1).max(320) });

export const createConnectionSchema = z.strictObject({
  tenantId: tenantIdSchema,
  vendor: vendorSchema,
  label: z.string().min(1).max(200).optional(),
  portalUrl: portalUrlSchema,
  username: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  mfa: mfaInputSchema.default({ method: 'none' }),
  sso: ssoSchema.optional(),
});
export type CreateConnectionInput = z.infer<typeof createConnectionSchema>;

export const updateConnectionSchema = z
  .strictObject({
    label: z.string().min(1).max(200).nullable().optional(),
    portalUrl: portalUrlSchema.optional(),
    username: z.string().min(1).max(320).optional(),
    password: z.string().min(1).max(1024).optional(),
    mfa: mfaInputSchema.optional(),
    sso: ssoSchema.nullable().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'give at least one field to change');
export type UpdateConnectionInput = z.infer<typeof updateConnectionSchema>;

export const disableConnectionSchema = z.strictObject({ reason: z.string().min(1).max(500).optional() });

export const upsertTenantSchema = z.strictObject({ name: z.string().min(1).max(200) });

export const listConnectionsQuerySchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  vendor: vendorSchema.optional(),
  status: z.enum(['pending', 'active', 'needs_attention', 'disabled']).optional(),
});

/** `POST /connections/:id/reconcile`: the streams to reconcile now (every one that can be, when absent). */
export const reconcileConnectionSchema = z.strictObject({
  streams: z.array(z.string().min(1)).min(1).optional(),
});
