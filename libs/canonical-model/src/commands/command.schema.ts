import { z } from 'zod';
import { timestampSchema } from '../common/timestamp.schema';
import { connectionIdSchema, tenantIdSchema } from '../ids/canonical-id.schema';
import { commandIdSchema } from '../ids/ulid-id.schema';
import {
  attachmentUploadPayloadSchema,
  clientCreatePayloadSchema,
  invoiceCreatePayloadSchema,
  jobCreatePayloadSchema,
  jobDispatchPayloadSchema,
  jobStatusUpdatePayloadSchema,
  leadCreatePayloadSchema,
  paymentRecordPayloadSchema,
  paymentRefundPayloadSchema,
  quoteConvertPayloadSchema,
  quoteCreatePayloadSchema,
} from './command-payload.schema';
import { idempotencyKeySchema } from './idempotency-key.schema';

/** Payload schema per command type: the single table the writer and the API dispatch on. */
export const commandPayloadSchemas = {
  'client.create': clientCreatePayloadSchema,
  'job.create': jobCreatePayloadSchema,
  'job.dispatch': jobDispatchPayloadSchema,
  'job.status.update': jobStatusUpdatePayloadSchema,
  'quote.create': quoteCreatePayloadSchema,
  'quote.convert': quoteConvertPayloadSchema,
  'invoice.create': invoiceCreatePayloadSchema,
  'payment.record': paymentRecordPayloadSchema,
  'payment.refund': paymentRefundPayloadSchema,
  'attachment.upload': attachmentUploadPayloadSchema,
  'lead.create': leadCreatePayloadSchema,
} as const;

export type CommandType = keyof typeof commandPayloadSchemas;
export const COMMAND_TYPES = Object.keys(commandPayloadSchemas) as [CommandType, ...CommandType[]];
export const commandTypeSchema = z.enum(COMMAND_TYPES);

const envelopeShape = {
  commandId: commandIdSchema,
  idempotencyKey: idempotencyKeySchema,
  tenantId: tenantIdSchema,
  connectionId: connectionIdSchema,
  requestedAt: timestampSchema,
};

function variant<T extends CommandType>(type: T) {
  return z.strictObject({ ...envelopeShape, type: z.literal(type), payload: commandPayloadSchemas[type] });
}

/** A write command: the envelope plus a payload discriminated on `type`. Unknown fields are rejected. */
export const commandSchema = z.discriminatedUnion('type', [
  variant('client.create'),
  variant('job.create'),
  variant('job.dispatch'),
  variant('job.status.update'),
  variant('quote.create'),
  variant('quote.convert'),
  variant('invoice.create'),
  variant('payment.record'),
  variant('payment.refund'),
  variant('attachment.upload'),
  variant('lead.create'),
]);

export type Command = z.infer<typeof commandSchema>;
/** The command of one type, e.g. `CommandOf<'payment.record'>`. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
export type CommandPayload<T extends CommandType> = CommandOf<T>['payload'];
