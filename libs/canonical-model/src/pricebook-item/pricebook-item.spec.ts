import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { pricebookItemSchema } from './pricebook-item.schema';

describe('pricebookItemSchema', () => {
  const item = validEntities().pricebook_item;

  it('accepts an item, including zero-decimal currencies', () => {
    expectValid(pricebookItemSchema, item);
    expectValid(pricebookItemSchema, {
      ...item,
      currency: 'JPY',
      price: 1500,
      memberPrice: null,
      cost: null,
    });
  });

  it('rejects cents on a JPY price and an unsupported currency', () => {
    expectIssueAt(
      pricebookItemSchema,
      { ...item, currency: 'JPY', price: 1500.5, memberPrice: null, cost: null },
      ['price'],
    );
    expectIssueAt(pricebookItemSchema, { ...item, currency: 'XYZ' }, ['currency'], /unsupported currency/);
  });
});
