import { connectionIdSchema, vendorSchema } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { eventTypePatternProblem } from './event-filter.util';
import { secretProblem } from './endpoint-secret.util';

/** An empty list means "no filter", like null. */
const emptyAsNull = <T>(list: T[] | null | undefined): T[] | null | undefined =>
  list !== undefined && list !== null && list.length === 0 ? null : list;

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
  .transform(emptyAsNull);

const vendors = z.array(vendorSchema).max(10).nullable().optional().transform(emptyAsNull);
const connectionIds = z.array(connectionIdSchema).max(100).nullable().optional().transform(emptyAsNull);
const description = z.string().max(500, 'must be at most 500 characters').nullable().optional();
const rateLimitPerSecond = z
  .int('must be an integer number of requests per second')
  .min(1, 'must be at least 1')
  .max(10_000, 'must be at most 10000')
  .nullable()
  .optional();
const secret = z
  .string()
  .superRefine((value, ctx) => {
    const problem = secretProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .optional();

/** `POST /endpoints`. */
export const createEndpointSchema = z.strictObject({
  url: z.string({ error: 'is required: the https URL deliveries are POSTed to' }),
  description,
  eventTypes,
  vendors,
  connectionIds,
  rateLimitPerSecond,
  /** Per-entity order: one message in flight per event subject, in sequence order. */
  ordered: z.boolean().optional(),
  /** Create it disabled (nothing is recorded for it until it is enabled). */
  disabled: z.boolean().optional(),
  /** Bring your own `whsec_` secret (24–64 bytes); otherwise one is generated. */
  secret,
});
export type CreateEndpointRequest = z.output<typeof createEndpointSchema>;

/** `PATCH /endpoints/:id`: only the fields given change. */
export const updateEndpointSchema = z
  .strictObject({
    url: z.string().optional(),
    description,
    eventTypes,
    vendors,
    connectionIds,
    rateLimitPerSecond,
    ordered: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    error:
      'name at least one field to change (url, description, eventTypes, vendors, connectionIds, rateLimitPerSecond, ordered)',
  });
export type UpdateEndpointRequest = z.output<typeof updateEndpointSchema>;

/** `POST /endpoints/:id/rotate-secret`. */
export const rotateSecretSchema = z.strictObject({ secret });

const timestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp (2026-05-01T00:00:00Z)',
});

/** `POST /endpoints/:id/recover`: failed messages created in [since, until). */
export const recoverSchema = z.strictObject({ since: timestamp, until: timestamp.optional() });

const limit = z.coerce
  .number({ error: 'must be an integer' })
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(250, 'must be at most 250')
  .default(50);

/** `GET /endpoints?limit&after`. */
export const listEndpointsQuerySchema = z.strictObject({ limit, after: z.string().max(64).optional() });

/** `GET /endpoints/:id/messages?limit&before&status`. */
export const listMessagesQuerySchema = z.strictObject({
  limit,
  before: z.string().max(64).optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});
