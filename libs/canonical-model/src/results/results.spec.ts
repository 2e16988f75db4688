import { fid } from '../__fixtures__/entities.fixture';
import { expectIssueAt } from '../__fixtures__/expect-issue.fixture';
import { parseCommand } from '../commands/parse-command.util';
import { newCommandId } from '../ids/ulid-id.util';
import { stringifyCanonical } from '../money/canonical-json.util';
import { RESULT_ERROR_CODES, RESULT_ERROR_RETRIABLE } from './result-error.constants';
import { commandResultSchema, validationRejection } from './result.schema';

const base = { commandId: newCommandId(), idempotencyKey: 'key-1', completedAt: '2026-02-01T17:10:03Z' };

describe('commandResultSchema', () => {
  const succeeded = {
    ...base,
    type: 'payment.record',
    status: 'succeeded',
    result: {
      paymentId: fid('payment', '700'),
      invoiceId: fid('invoice', '600'),
      status: 'captured',
      currency: 'USD',
      amountApplied: 1403,
      balanceRemaining: 0,
    },
  };

  it('accepts a succeeded result and writes its money like the seed', () => {
    const parsed = commandResultSchema.parse(succeeded);
    expect(stringifyCanonical(parsed.result)).toContain('"amountApplied":1403.00,"balanceRemaining":0.00');
    expect(commandResultSchema.safeParse({ ...succeeded, replayed: true }).success).toBe(true);
  });

  it('checks the result shape of the command type', () => {
    expectIssueAt(
      commandResultSchema,
      { ...succeeded, result: { ...succeeded.result, paymentId: 'pay_7f3102' } },
      ['result', 'paymentId'],
    );
    expectIssueAt(commandResultSchema, { ...succeeded, result: undefined }, ['result']);
  });

  it('requires an error on failed and rejected results, and none on success', () => {
    const error = {
      code: 'schedule_conflict',
      message: 'Sam is booked 15:00-17:00',
      retriable: false,
      field: 'payload.window',
    };
    expect(
      commandResultSchema.safeParse({ ...base, type: 'job.dispatch', status: 'rejected', error }).success,
    ).toBe(true);
    expectIssueAt(commandResultSchema, { ...base, type: 'job.dispatch', status: 'failed' }, ['error']);
    expectIssueAt(commandResultSchema, { ...succeeded, error }, ['error']);
    expectIssueAt(
      commandResultSchema,
      { ...base, type: 'job.dispatch', status: 'rejected', error: { ...error, code: 'oops' } },
      ['error', 'code'],
    );
  });

  it('keeps card numbers out of error messages', () => {
    const error = { code: 'vendor_rejected', message: 'card 4242424242424242 declined', retriable: false };
    expectIssueAt(commandResultSchema, { ...base, type: 'payment.record', status: 'failed', error }, [
      'error',
      'message',
    ]);
  });

  it('turns parseCommand issues into a validation_failed rejection naming the field', () => {
    const parsed = parseCommand({
      ...base,
      tenantId: 't',
      connectionId: 'c',
      requestedAt: base.completedAt,
      type: 'payment.refund',
      payload: { paymentId: fid('payment', '1'), currency: 'USD', amount: -1 },
    });
    if (parsed.ok || parsed.commandId === undefined || parsed.idempotencyKey === undefined) {
      throw new Error('expected a rejection that still carries the ids');
    }
    const result = validationRejection({
      commandId: parsed.commandId,
      idempotencyKey: parsed.idempotencyKey,
      type: 'payment.refund',
      issues: parsed.issues,
    });
    expect(result.status).toBe('rejected');
    expect(result.error).toMatchObject({
      code: 'validation_failed',
      retriable: false,
      field: 'payload.amount',
    });
    expect(result.error?.message).toMatch(/^payload\.amount: /);
  });

  it('declares retriability for every error code', () => {
    expect(Object.keys(RESULT_ERROR_RETRIABLE).sort()).toEqual([...RESULT_ERROR_CODES].sort());
    expect(RESULT_ERROR_RETRIABLE.validation_failed).toBe(false);
    expect(RESULT_ERROR_RETRIABLE.vendor_unavailable).toBe(true);
  });
});
