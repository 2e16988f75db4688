import { z } from 'zod';
import { containsCardNumber } from '../common/card-number.util';
import { timestampSchema } from '../common/timestamp.schema';
import { commandTypeSchema } from '../commands/command.schema';
import { CommandIssue } from '../commands/parse-command.util';
import { idempotencyKeySchema } from '../commands/idempotency-key.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { commandIdSchema } from '../ids/ulid-id.schema';
import { checkMoneyPrecision, currencySchema, moneyAmountSchema } from '../money/money.schema';
import { RESULT_ERROR_CODES, RESULT_ERROR_RETRIABLE, ResultErrorCode } from './result-error.constants';

export const RESULT_STATUSES = ['succeeded', 'failed', 'rejected'] as const;
export const resultStatusSchema = z.enum(RESULT_STATUSES);

export const resultErrorSchema = z.strictObject({
  code: z.enum(RESULT_ERROR_CODES),
  message: z
    .string()
    .min(1)
    .max(2000)
    .refine((message) => !containsCardNumber(message), 'error message must not contain a card number'),
  retriable: z.boolean(),
  /** The offending field's path (`payload.amount`) for validation_failed and vendor field errors. */
  field: z.string().max(500).optional(),
  /** Every offending field when there are several (validation_failed). */
  issues: z.array(z.strictObject({ field: z.string(), message: z.string(), code: z.string() })).optional(),
  /** The vendor's own error code or message id, for support. */
  vendorCode: z.string().max(200).optional(),
  retryAfterSeconds: z.int().min(0).optional(),
});

/** What each successful command returns: the canonical ids it created or touched. */
export const commandResultDataSchemas = {
  'client.create': z.strictObject({
    customerId: idSchemas.customer,
    locationIds: z.array(idSchemas.location),
  }),
  'job.create': z.strictObject({
    jobId: idSchemas.job,
    appointmentId: idSchemas.appointment.nullable(),
    number: z.string().nullable(),
  }),
  'job.dispatch': z.strictObject({
    jobId: idSchemas.job,
    appointmentId: idSchemas.appointment,
    technicianIds: z.array(idSchemas.technician),
    scheduledStart: timestampSchema.nullable(),
    scheduledEnd: timestampSchema.nullable(),
  }),
  'job.status.update': z.strictObject({ jobId: idSchemas.job, status: z.string(), vendorStatus: z.string() }),
  'quote.create': z.strictObject({
    estimateId: idSchemas.estimate,
    number: z.string().nullable(),
    currency: currencySchema,
    total: moneyAmountSchema,
  }),
  'quote.convert': z.strictObject({ estimateId: idSchemas.estimate, jobId: idSchemas.job }),
  'invoice.create': z.strictObject({
    invoiceId: idSchemas.invoice,
    number: z.string().nullable(),
    currency: currencySchema,
    total: moneyAmountSchema,
    balance: moneyAmountSchema,
  }),
  'payment.record': z.strictObject({
    paymentId: idSchemas.payment,
    invoiceId: idSchemas.invoice,
    status: z.string(),
    currency: currencySchema,
    amountApplied: moneyAmountSchema,
    balanceRemaining: moneyAmountSchema,
  }),
  'payment.refund': z.strictObject({
    refundId: idSchemas.refund,
    paymentId: idSchemas.payment,
    status: z.string(),
    currency: currencySchema,
    amount: moneyAmountSchema,
  }),
  'attachment.upload': z.strictObject({ attachmentId: idSchemas.attachment }),
  'lead.create': z.strictObject({ leadId: idSchemas.lead, number: z.string().nullable() }),
} as const;

/**
 * The outcome of a command, published on `fsm.results.<tenant>.<commandId>`:
 * `succeeded` carries `result` (shape per `type`), `failed` (the vendor or we could not do it) and
 * `rejected` (the command itself is invalid or conflicts, never retried as-is) carry `error`.
 * `replayed: true` marks a stored result returned for a repeated idempotency key. `type` is null only
 * when the command was too malformed to tell.
 */
export const commandResultSchema = z
  .strictObject({
    commandId: commandIdSchema,
    idempotencyKey: idempotencyKeySchema,
    type: commandTypeSchema.nullable(),
    status: resultStatusSchema,
    replayed: z.boolean().optional(),
    result: z.record(z.string(), z.unknown()).optional(),
    error: resultErrorSchema.optional(),
    completedAt: timestampSchema,
  })
  .superRefine((value, ctx) => {
    if (value.status === 'succeeded') {
      if (value.error !== undefined)
        ctx.addIssue({ code: 'custom', message: 'a succeeded result has no error', path: ['error'] });
      if (value.result === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a succeeded result needs result', path: ['result'] });
      } else if (value.type !== null) {
        const parsed = commandResultDataSchemas[value.type].safeParse(value.result);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            ctx.addIssue({ code: 'custom', message: issue.message, path: ['result', ...issue.path] });
          }
        }
        checkMoneyPrecision(value.result, ctx);
      }
    } else {
      if (value.error === undefined)
        ctx.addIssue({ code: 'custom', message: `a ${value.status} result needs error`, path: ['error'] });
      if (value.result !== undefined)
        ctx.addIssue({ code: 'custom', message: `a ${value.status} result has no result`, path: ['result'] });
    }
  });

export type CommandResult = z.infer<typeof commandResultSchema>;
export type ResultError = z.infer<typeof resultErrorSchema>;
export type ResultStatus = z.infer<typeof resultStatusSchema>;

/** A `validation_failed` rejection naming the offending fields (from `parseCommand`). */
export function validationRejection(input: {
  commandId: string;
  idempotencyKey: string;
  type?: z.infer<typeof commandTypeSchema> | null;
  issues: readonly CommandIssue[];
  completedAt?: string;
}): CommandResult {
  const first = input.issues[0];
  const code: ResultErrorCode = 'validation_failed';
  return commandResultSchema.parse({
    commandId: input.commandId,
    idempotencyKey: input.idempotencyKey,
    type: input.type ?? null,
    status: 'rejected',
    error: {
      code,
      message: first ? `${first.field}: ${first.message}` : 'invalid command',
      retriable: RESULT_ERROR_RETRIABLE[code],
      ...(first ? { field: first.field } : {}),
      issues: [...input.issues],
    },
    completedAt: input.completedAt ?? new Date().toISOString(),
  });
}
