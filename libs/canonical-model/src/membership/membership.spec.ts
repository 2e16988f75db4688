import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { membershipSchema } from './membership.schema';

describe('membershipSchema', () => {
  const membership = validEntities().membership;

  it('accepts a membership', () => expectValid(membershipSchema, membership));

  it('rejects an end date before the start date and an unknown status', () => {
    expectIssueAt(membershipSchema, { ...membership, endDate: '2025-12-31' }, ['endDate']);
    expectIssueAt(membershipSchema, { ...membership, status: 'Deleted' }, ['status']);
  });
});
