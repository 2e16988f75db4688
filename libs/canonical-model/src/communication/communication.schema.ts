import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';

export const COMMUNICATION_CHANNELS = ['call', 'sms', 'email'] as const;
export const COMMUNICATION_DIRECTIONS = ['inbound', 'outbound'] as const;
/** Calls: answered | missed | voicemail | failed; messages: queued | sent | delivered | received | failed. */
export const COMMUNICATION_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'received',
  'answered',
  'missed',
  'voicemail',
  'failed',
] as const;

/** A call, SMS or email with a customer or lead (Workiz call logs and SMS threads, ServiceTitan telecom calls). */
export const communicationSchema = z.strictObject({
  ...baseEntityShape('communication'),
  channel: z.enum(COMMUNICATION_CHANNELS),
  direction: z.enum(COMMUNICATION_DIRECTIONS),
  status: z.enum(COMMUNICATION_STATUSES),
  vendorStatus: z.string().max(200),
  customerId: idSchemas.customer.nullable(),
  leadId: idSchemas.lead.nullable(),
  jobId: idSchemas.job.nullable(),
  technicianId: idSchemas.technician.nullable(),
  from: z.string().max(320).nullable(),
  to: z.string().max(320).nullable(),
  subject: z.string().max(1000).nullable(),
  body: textSchema.nullable(),
  startedAt: timestampSchema,
  durationSeconds: z.int().min(0).nullable(),
  recordingAvailable: z.boolean(),
  campaign: z.string().max(200).nullable(),
});

export type Communication = z.infer<typeof communicationSchema>;
