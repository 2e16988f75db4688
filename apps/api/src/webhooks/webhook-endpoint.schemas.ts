import { WEBHOOK_MESSAGE_STATUSES } from '@fieldsync/canonical-model';
import { z } from 'zod';

/*
 * The answers of `/webhook-endpoints` and `/webhook-messages`: what the webhook dispatcher's operator API
 * answers (apps/webhook-dispatcher: endpoint.mapper.ts, message.mapper.ts), stated here for the OpenAPI
 * document; the e2e checks every answer against these. The requests (bodies and list queries) are stated
 * once in @fieldsync/canonical-model (webhooks/webhook-endpoint-request.schema.ts), shared with the
 * dispatcher: the api refuses a bad one naming the field before calling it.
 */
const iso = z.string().describe('ISO 8601');

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
    status: z.enum(WEBHOOK_MESSAGE_STATUSES),
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
