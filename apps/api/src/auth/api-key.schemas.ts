import { z } from 'zod';
import { API_KEY_SCOPES } from './api-key.util';

const tenantIdSchema = z
  .string()
  .min(1)
  .max(200)
  .describe('The tenant; required for the operator, implied by an admin key');

export const createApiKeyRequestSchema = z
  .strictObject({
    tenantId: tenantIdSchema.optional(),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1, 'at least one scope: read, write or admin')
      .max(3)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat'),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('ISO 8601; the key stops working then'),
  })
  .meta({ id: 'CreateApiKeyRequest' });

export const listApiKeysQuerySchema = z.strictObject({ tenantId: tenantIdSchema.optional() });

export const apiKeySchema = z
  .strictObject({
    id: z.string().describe('ak_ + ULID'),
    tenantId: z.string(),
    name: z.string(),
    prefix: z.string().describe('Public part of the key, shown in logs and listings'),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdAt: z.string(),
    createdBy: z.string().describe('operator or key:<id>'),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().describe('The secret: shown once, never again') })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyListSchema = z.strictObject({ items: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' });

export type ApiKeyResource = z.infer<typeof apiKeySchema>;
