import { validEntities, fid } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { customerSchema } from './customer.schema';

describe('customerSchema', () => {
  const customer = validEntities().customer;

  it('accepts a complete customer', () => expectValid(customerSchema, customer));

  it('rejects a raw vendor payload field (raw stays out of canonical objects)', () => {
    expectIssueAt(customerSchema, { ...customer, raw: { id: 1 } }, []);
  });

  it('names the field when the balance is more precise than the currency', () => {
    expectIssueAt(
      customerSchema,
      { ...customer, balance: 12.345 },
      ['balance'],
      /more than 2 decimals for USD/,
    );
  });

  it('rejects a location id in mergedIntoId', () => {
    expectIssueAt(
      customerSchema,
      { ...customer, mergedIntoId: fid('location', '1') },
      ['mergedIntoId'],
      /customer id/,
    );
  });

  it('rejects duplicate tags', () => {
    expectIssueAt(customerSchema, { ...customer, tags: ['vip', 'vip'] }, ['tags', 1], /duplicate/);
  });
});
