import { z } from 'zod';
import { timestampSchema } from '../common/timestamp.schema';
import { vendorSchema } from '../common/vendor.schema';
import { connectionIdSchema, tenantIdSchema } from '../ids/canonical-id.schema';
import { entityTypeSchema } from '../ids/entity-type.schema';
import { eventIdSchema } from '../ids/ulid-id.schema';
import { eventSource } from './change-event.schema';
import { sequenceSchema } from './sequence.util';

export const MFA_METHODS = ['totp', 'sms', 'email'] as const;
export const mfaMethodSchema = z.enum(MFA_METHODS);
const idLike = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected an id of letters, digits, _ or -');

/** Operational event `data` schemas. None of them may carry a password, code, cookie, token or raw payload. */
export const sessionEstablishedDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  loginMethod: z.enum(['password', 'sso', 'oauth']),
  mfaMethod: mfaMethodSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
});

export const sessionRefreshedDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  expiresAt: timestampSchema.nullable(),
});

export const sessionExpiredDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  reason: z.enum(['expired', 'idle_timeout', 'logged_out_by_vendor', 'revoked', 'license_limit', 'unknown']),
  expiredAt: timestampSchema,
});

export const connectionAuthFailedDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  reason: z.enum([
    'invalid_credentials',
    'account_locked',
    'mfa_failed',
    'mfa_timeout',
    'sso_failed',
    'license_limit',
    'login_page_changed',
    'unknown',
  ]),
  retriable: z.boolean(),
  nextAttemptAt: timestampSchema.nullable(),
  message: z.string().max(1000),
});

export const connectionMfaRequiredDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  method: mfaMethodSchema,
  challengeId: idLike,
  /** Masked destination, e.g. `•••-•••-0198` or `a•••@example.com`; never the full number or address. */
  destinationHint: z.string().max(200).nullable(),
  expiresAt: timestampSchema,
});

export const driftIssueSchema = z.strictObject({
  path: z.string().max(500),
  code: z.string().max(100),
  message: z.string().max(1000),
});

export const connectorDriftDetectedDataSchema = z.strictObject({
  connectionId: connectionIdSchema,
  entity: entityTypeSchema,
  externalId: z.string().max(512).nullable(),
  /** The `drift_reports` row that holds the raw payload (which never travels in an event). */
  reportId: idLike,
  issues: z.array(driftIssueSchema).min(1),
  detectedAt: timestampSchema,
});

export const endpointDisabledDataSchema = z.strictObject({
  endpointId: idLike,
  reason: z.enum(['consecutive_failures', 'manual', 'invalid_url', 'gone']),
  failingSince: timestampSchema.nullable(),
  lastStatusCode: z.int().min(100).max(599).nullable(),
});

export const messageAttemptExhaustedDataSchema = z.strictObject({
  endpointId: idLike,
  messageId: idLike,
  eventId: eventIdSchema,
  eventType: z.string().max(200),
  attempts: z.int().min(1),
  lastStatusCode: z.int().min(100).max(599).nullable(),
  lastError: z.string().max(1000).nullable(),
  lastAttemptAt: timestampSchema,
});

const envelope = {
  specversion: z.literal('1.0'),
  id: eventIdSchema,
  source: z.string(),
  subject: z.string().min(1),
  time: timestampSchema,
  datacontenttype: z.literal('application/json'),
  tenantid: tenantIdSchema,
};

/** Session, connection and connector events: scoped to a connection, source `fieldsync/<vendor>/<connectionId>`. */
const connectionScoped = {
  ...envelope,
  connectionid: connectionIdSchema,
  vendor: vendorSchema,
  sequence: sequenceSchema.optional(),
};

/**
 * Webhook delivery events: source `fieldsync/webhooks`, subject the endpoint id, scoped to the tenant;
 * `sequence` is the tenant's own count of such events (they belong to no connection).
 */
export const WEBHOOKS_EVENT_SOURCE = 'fieldsync/webhooks';
const deliveryScoped = {
  ...envelope,
  source: z.literal(WEBHOOKS_EVENT_SOURCE),
  sequence: sequenceSchema.optional(),
};

export const operationalEventSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...connectionScoped,
      type: z.literal('session.established'),
      data: sessionEstablishedDataSchema,
    }),
    z.strictObject({
      ...connectionScoped,
      type: z.literal('session.refreshed'),
      data: sessionRefreshedDataSchema,
    }),
    z.strictObject({
      ...connectionScoped,
      type: z.literal('session.expired'),
      data: sessionExpiredDataSchema,
    }),
    z.strictObject({
      ...connectionScoped,
      type: z.literal('connection.auth_failed'),
      data: connectionAuthFailedDataSchema,
    }),
    z.strictObject({
      ...connectionScoped,
      type: z.literal('connection.mfa_required'),
      data: connectionMfaRequiredDataSchema,
    }),
    z.strictObject({
      ...connectionScoped,
      type: z.literal('connector.drift_detected'),
      data: connectorDriftDetectedDataSchema,
    }),
    z.strictObject({
      ...deliveryScoped,
      type: z.literal('endpoint.disabled'),
      data: endpointDisabledDataSchema,
    }),
    z.strictObject({
      ...deliveryScoped,
      type: z.literal('message.attempt.exhausted'),
      data: messageAttemptExhaustedDataSchema,
    }),
  ])
  .superRefine((event, ctx) => {
    if ('connectionid' in event) {
      if (event.source !== eventSource(event.vendor, event.connectionid)) {
        ctx.addIssue({
          code: 'custom',
          message: `source must be ${eventSource(event.vendor, event.connectionid)}`,
          path: ['source'],
        });
      }
      if (event.subject !== event.connectionid || event.data.connectionId !== event.connectionid) {
        ctx.addIssue({
          code: 'custom',
          message: 'subject and data.connectionId must equal connectionid',
          path: ['subject'],
        });
      }
    } else if (event.subject !== event.data.endpointId) {
      ctx.addIssue({ code: 'custom', message: 'subject must equal data.endpointId', path: ['subject'] });
    }
  });

export type OperationalEvent = z.infer<typeof operationalEventSchema>;
