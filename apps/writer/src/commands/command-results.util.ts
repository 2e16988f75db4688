import {
  RESULT_ERROR_RETRIABLE,
  commandResultSchema,
  type Command,
  type CommandResult,
  type ResultErrorCode,
} from '@fieldsync/canonical-model';
import type { WriteOutcome } from '@fieldsync/connector-kit';

/**
 * Codes that mean the command cannot be done as asked (`rejected`: the same request always gets the same
 * answer); every other code is `failed` (the vendor would not or could not, now).
 */
const REJECTING_CODES: ReadonlySet<ResultErrorCode> = new Set([
  'validation_failed',
  'schedule_conflict',
  'not_found',
  'forbidden',
  'unsupported',
  'period_locked',
  'idempotency_key_reused',
  'idempotency_key_in_flight',
]);

/** The `succeeded` result of a command whose effect the vendor has, with the write's result data. */
export function succeededResult(command: Command, outcome: WriteOutcome, now: Date): CommandResult {
  const { __type: _ignored, ...data } = outcome.result;
  return commandResultSchema.parse({
    commandId: command.commandId,
    idempotencyKey: command.idempotencyKey,
    type: command.type,
    status: 'succeeded',
    result: data,
    completedAt: now.toISOString(),
  });
}

/** A `rejected` or `failed` result naming the code, the field when there is one, and what to do. */
export function errorResult(
  command: Command,
  now: Date,
  code: ResultErrorCode,
  message: string,
  field?: string,
  extra: { vendorCode?: string; retryAfterSeconds?: number; retriable?: boolean } = {},
): CommandResult {
  return commandResultSchema.parse({
    commandId: command.commandId,
    idempotencyKey: command.idempotencyKey,
    type: command.type,
    status: REJECTING_CODES.has(code) ? 'rejected' : 'failed',
    error: {
      code,
      message: message.slice(0, 2000),
      retriable: extra.retriable ?? RESULT_ERROR_RETRIABLE[code],
      ...(field === undefined ? {} : { field }),
      ...(extra.vendorCode === undefined ? {} : { vendorCode: extra.vendorCode.slice(0, 200) }),
      ...(extra.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: extra.retryAfterSeconds }),
    },
    completedAt: now.toISOString(),
  });
}
