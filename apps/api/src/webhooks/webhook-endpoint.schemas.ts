import { vendorSchema } from '@fieldsync/canonical-model';
import { z } from 'zod';

/*
 * The shapes of `/webhook-endpoints` and `/webhook-messages`: what the webhook dispatcher's operator API
 * takes and answers (apps/webhook-dispatcher: endpoint-request.schema.ts, endpoint.mapper.ts,
 * message.mapper.ts), stated here for the OpenAPI document and to refuse a mistyped body before the
 * dispatcher is called. The dispatcher checks the rest (the URL policy, event type patterns, the secret's
 * form) and its refusals come back naming the field; the e2e checks every answer against these.
 */

const iso = z.string().describe('ISO 8601');
const nullableList = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.array(item).max(max).nullable().optional().describe(`${what}; absent, null or [] = no filter`);

const endpointFields = {
  url: z.string().max(2048).describe('https:// URL the deliveries are POSTed to'),
  description: z.string().max(500).nullable().optional(),
  eventTypes: nullableList(z.string().max(200), 100, 'Event types (`invoice.paid`) or wildcards (`job.*`)'),
  vendors: nullableList(vendorSchema, 10, 'Only events of these vendors'),
  connectionIds: nullableList(z.string().max(128), 100, 'Only events of these connections'),
  rateLimitPerSecond: z.int().min(1).max(10_000).nullable().optional(),
  ordered: z.boolean().optional().describe('Per-entity order: one message in flight per event subject'),
};

export const createWebhookEndpointSchema = z
  .strictObject({
    ...endpointFields,
    disabled: z.boolean().optional().describe('Create it disabled'),
    secret: z.string().max(200).optional().describe('Bring your own whsec_ secret (24–64 bytes)'),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });

export const updateWebhookEndpointSchema = z
  .strictObject({ ...endpointFields, url: endpointFields.url.optional() })
  .meta({ id: 'UpdateWebhookEndpointRequest' });

export const rotateWebhookSecretSchema = z
  .strictObject({ secret: z.string().max(200).optional() })
  .meta({ id: 'RotateWebhookSecretRequest' });

export const recoverWebhookMessagesSchema = z
  .strictObject({ since: iso, until: iso.optional() })
  .meta({ id: 'RecoverWebhookMessagesRequest' });

export const webhookEndpointSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()).nullable(),
    vendors: z.array(z.string()).nullable(),
    connectionIds: z.array(z.string()).nullable(),
    rateLimitPerSecond: z.int().nullable(),
    ordered: z.boolean(),
    disabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAt: iso.nullable(),
    failingSince: iso.nullable(),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: 'WebhookEndpoint' });

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({ secret: z.string().describe('The signing secret (whsec_…); also at GET …/secret') })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const webhookEndpointListSchema = z
  .strictObject({
    data: z.array(webhookEndpointSchema),
    next: z.string().nullable().describe('Pass as `after` for the next page; null on the last'),
  })
  .meta({ id: 'WebhookEndpointList' });

export const webhookSecretSchema = z.strictObject({ secret: z.string() }).meta({ id: 'WebhookSecret' });

export const rotatedWebhookSecretSchema = z
  .strictObject({ secret: z.string(), previousSecretValidUntil: iso })
  .meta({ id: 'RotatedWebhookSecret' });

export const webhookMessageSchema = z
  .strictObject({
    id: z.string().describe('The webhook-id header of every attempt'),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    failureReason: z.string().nullable(),
    attempts: z.int(),
    nextAttemptAt: iso.nullable(),
    lastAttemptAt: iso.nullable(),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: iso,
  })
  .meta({ id: 'WebhookMessage' });

export const webhookMessageListSchema = z
  .strictObject({
    data: z.array(webhookMessageSchema),
    next: z.string().nullable().describe('Pass as `before` for the next (older) page; null on the last'),
  })
  .meta({ id: 'WebhookMessageList' });

export const webhookAttemptSchema = z
  .strictObject({
    id: z.string(),
    messageId: z.string(),
    endpointId: z.string(),
    attemptNumber: z.int(),
    url: z.string(),
    outcome: z.string(),
    statusCode: z.int().nullable(),
    durationMs: z.int(),
    responseExcerpt: z.string().nullable(),
    error: z.string().nullable(),
    nextAttemptAt: iso.nullable(),
    createdAt: iso,
  })
  .meta({ id: 'WebhookAttempt' });

export const webhookAttemptListSchema = z
  .strictObject({ data: z.array(webhookAttemptSchema) })
  .meta({ id: 'WebhookAttemptList' });

export const webhookMessageDetailSchema = webhookMessageSchema
  .extend({
    payload: z.unknown().describe('The CloudEvent delivered'),
    attemptList: z.array(webhookAttemptSchema),
  })
  .meta({ id: 'WebhookMessageDetail' });

export const recoveredWebhookMessagesSchema = z
  .strictObject({ recovered: z.int() })
  .meta({ id: 'RecoveredWebhookMessages' });

export const listWebhookEndpointsQuerySchema = z.strictObject({
  limit: z.string().regex(/^\d+$/, 'must be a whole number').optional(),
  after: z.string().max(64).optional(),
});

export const listWebhookMessagesQuerySchema = z.strictObject({
  limit: z.string().regex(/^\d+$/, 'must be a whole number').optional(),
  before: z.string().max(64).optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});
