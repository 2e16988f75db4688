import { tenantIdSchema } from '@fieldsync/canonical-model';
import { z } from 'zod';

/**
 * What fan-out reads of an event on FSM_EVENTS: the CloudEvents attributes it routes on. The document
 * itself is delivered exactly as it arrived (change events were validated by their producer against the
 * canonical model; re-validating every entity here would only cost time).
 */
export const eventEnvelopeSchema = z.looseObject({
  specversion: z.literal('1.0'),
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'id must be 1-200 of A-Z a-z 0-9 _ . : -'),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'type must be dotted lower-case words (job.created)'),
  tenantid: tenantIdSchema,
  subject: z.string().min(1).max(512).optional(),
  vendor: z.string().min(1).max(64).optional(),
  connectionid: z.string().min(1).max(128).optional(),
  sequence: z
    .string()
    .regex(/^\d{1,18}$/, 'sequence must be decimal digits')
    .optional(),
});
export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
