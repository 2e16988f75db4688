import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { refundSchema } from './refund.schema';

describe('refundSchema', () => {
  const refund = validEntities().refund;

  it('accepts a refund', () => expectValid(refundSchema, refund));

  it('requires a positive amount', () => {
    expectIssueAt(refundSchema, { ...refund, amount: 0 }, ['amount'], /greater than zero/);
    expectIssueAt(refundSchema, { ...refund, amount: -5 }, ['amount']);
  });
});
