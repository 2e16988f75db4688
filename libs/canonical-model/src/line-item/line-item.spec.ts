import { validEntities, fid } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { lineItemSchema, quantitySchema } from './line-item.schema';

describe('lineItemSchema', () => {
  const item = validEntities().line_item;

  it('accepts a line item with a decimal quantity', () => {
    expectValid(lineItemSchema, item);
    expect(quantitySchema.parse(1.5)).toBe(1.5);
  });

  it('requires parentId to be an id of parentType', () => {
    expectIssueAt(
      lineItemSchema,
      { ...item, parentId: fid('job', '400') },
      ['parentId'],
      /canonical invoice id/,
    );
  });

  it('rejects quantities with more than 6 decimals', () => {
    expectIssueAt(lineItemSchema, { ...item, quantity: 1.0000001 }, ['quantity']);
  });
});
