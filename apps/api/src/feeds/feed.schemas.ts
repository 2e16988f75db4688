import { z } from 'zod';

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,18}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const timestamp = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp' });
const token = z.string().trim().min(1, 'must not be empty').max(200);

export const eventsQuerySchema = z.strictObject({
  after: integer(0, Number.MAX_SAFE_INTEGER).optional(),
  types: z
    .string()
    .max(2000)
    .regex(
      /^[a-z_]+\.[a-z_.]+(,[a-z_]+\.[a-z_.]+)*$/,
      'a comma-separated list of event types such as job.created,job.updated',
    )
    .optional(),
  connectionId: token.optional(),
  limit: integer(1, 500).optional(),
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
  tenantId: token.optional(),
  action: token.optional(),
  actor: token.optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  page: integer(1, 1_000_000).optional(),
  pageSize: integer(1, 200).optional(),
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
