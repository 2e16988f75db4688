import { z } from 'zod';
import { vendorSchema } from '../common/vendor.schema';
import { connectionIdSchema } from '../ids/canonical-id.schema';
import { eventTypePatternProblem } from './webhook-event-filter.util';
import { secretProblem } from './webhook-secret.util';

/*
 * The request bodies and list queries of the webhook endpoints API: stated once, here, for the webhook
 * dispatcher (which serves it) and apps/api (which exposes it at `/webhook-endpoints` behind the API keys,
 * documents it in its OpenAPI and refuses a bad body before calling the dispatcher). Every refusal names
 * the field. Empty filter lists mean "no filter", like null; the dispatcher stores them as null.
 */

const eventTypes = z
  .array(z.string())
  .max(100, 'at most 100 event type filters')
  .superRefine((patterns, ctx) => {
    patterns.forEach((pattern, index) => {
      const problem = eventTypePatternProblem(pattern);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: [index] });
    });
  })
  .nullable()
  .optional()
  .describe(
    'Event types (`invoice.paid`) or namespace wildcards (`job.*`, `*`); absent, null or [] = every change event',
  );
const vendors = z
  .array(vendorSchema)
  .max(10)
  .nullable()
  .optional()
  .describe('Only events of these vendors; absent, null or [] = no filter');
const connectionIds = z
  .array(connectionIdSchema)
  .max(100)
  .nullable()
  .optional()
  .describe('Only events of these connections; absent, null or [] = no filter');
const description = z.string().max(500, 'must be at most 500 characters').nullable().optional();
const rateLimitPerSecond = z
  .int('must be an integer number of requests per second')
  .min(1, 'must be at least 1')
  .max(10_000, 'must be at most 10000')
  .nullable()
  .optional();
const ordered = z
  .boolean()
  .optional()
  .describe('Per-entity order: one message in flight per event subject, in sequence order');
const secret = z
  .string()
  .superRefine((value, ctx) => {
    const problem = secretProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional()
  .describe('Bring your own whsec_ secret (24–64 bytes); otherwise one is generated');
const url = z
  .string({ error: 'is required: the https URL deliveries are POSTed to' })
  .describe('https:// URL the deliveries are POSTed to');

/** `POST /endpoints` (dispatcher), `POST /webhook-endpoints` (api). */
export const createWebhookEndpointSchema = z
  .strictObject({
    url,
    description,
    eventTypes,
    vendors,
    connectionIds,
    rateLimitPerSecond,
    ordered,
    disabled: z
      .boolean()
      .optional()
      .describe('Create it disabled (nothing is recorded for it until it is enabled)'),
    secret,
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });
export type CreateWebhookEndpointRequest = z.output<typeof createWebhookEndpointSchema>;

/** `PATCH /endpoints/:id`: only the fields given change. */
export const updateWebhookEndpointSchema = z
  .strictObject({
    url: url.optional(),
    description,
    eventTypes,
    vendors,
    connectionIds,
    rateLimitPerSecond,
    ordered,
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    error:
      'name at least one field to change (url, description, eventTypes, vendors, connectionIds, rateLimitPerSecond, ordered)',
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });
export type UpdateWebhookEndpointRequest = z.output<typeof updateWebhookEndpointSchema>;

/** `POST /endpoints/:id/rotate-secret`. */
export const rotateWebhookSecretSchema = z
  .strictObject({ secret })
  .meta({ id: 'RotateWebhookSecretRequest' });

const timestamp = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 timestamp (2026-05-01T00:00:00Z)' })
  .describe('ISO 8601');

/** `POST /endpoints/:id/recover`: failed messages created in [since, until). */
export const recoverWebhookMessagesSchema = z
  .strictObject({ since: timestamp, until: timestamp.optional() })
  .meta({ id: 'RecoverWebhookMessagesRequest' });

const limit = z.coerce
  .number({ error: 'must be an integer' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(250, 'must be at most 250')
  .default(50);

/** `GET /endpoints?limit&after`. */
export const listWebhookEndpointsQuerySchema = z.strictObject({
  limit,
  after: z.string().max(64).optional(),
});

export const WEBHOOK_MESSAGE_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** `GET /endpoints/:id/messages?limit&before&status`. */
export const listWebhookMessagesQuerySchema = z.strictObject({
  limit,
  before: z.string().max(64).optional(),
  status: z.enum(WEBHOOK_MESSAGE_STATUSES).optional(),
});
