import { z } from 'zod';
import { isoTimestamp, queryToken, wholeNumber } from '../http/query-fields';

export const eventsQuerySchema = z.strictObject({
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional(),
  types: z
    .string()
    .max(2000)
    .regex(
      /^[a-z_]+\.[a-z_.]+(,[a-z_]+\.[a-z_.]+)*$/,
      'a comma-separated list of event types such as job.created,job.updated',
    )
    .optional(),
  connectionId: queryToken.optional(),
  limit: wholeNumber(1, 500).optional(),
});

export const eventFeedSchema = z
  .strictObject({
    items: z.array(
      z
        .object({
          specversion: z.literal('1.0'),
          id: z.string(),
          type: z.string(),
          source: z.string(),
          subject: z.string(),
          time: z.string(),
        })
        .catchall(z.unknown())
        .meta({
          description: 'A CloudEvents 1.0 change event (data = { object, previous, changedFields })',
        }),
    ),
    positions: z.array(z.int()).describe('The feed position of each item'),
    nextAfter: z.int().describe('Pass as after= to read on (the last position read, or the after given)'),
  })
  .meta({ id: 'EventFeed' });

export const auditQuerySchema = z.strictObject({
  tenantId: queryToken.optional(),
  action: queryToken.optional(),
  actor: queryToken.optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  page: wholeNumber(1, 1_000_000).optional(),
  pageSize: wholeNumber(1, 200).optional(),
});

export const auditEntrySchema = z
  .strictObject({
    id: z.int(),
    actor: z.string().describe('operator or key:<id>'),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z
  .strictObject({ items: z.array(auditEntrySchema), page: z.int(), pageSize: z.int(), total: z.int() })
  .meta({ id: 'AuditPage' });
