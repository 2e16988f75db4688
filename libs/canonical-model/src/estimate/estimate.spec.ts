import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import seedQuote from '../__fixtures__/seed-jobber-quote.json';
import { estimateSchema } from './estimate.schema';

describe('estimateSchema', () => {
  const estimate = validEntities().estimate;

  it('accepts an estimate and the Jobber seed quote (250 − 25 + 16.88 = 241.88)', () => {
    expectValid(estimateSchema, estimate);
    expect(estimateSchema.parse(seedQuote).total).toBe(241.88);
  });

  it('rejects a total that does not equal subtotal − discount + tax, naming total', () => {
    expectIssueAt(estimateSchema, { ...estimate, total: 194.86 }, ['total'], /expected 194\.85, got 194\.86/);
  });

  it('checks the totals of every option', () => {
    const option = {
      externalId: 'o1',
      name: 'Best',
      status: 'pending',
      lineItems: [],
      subtotal: 10,
      discount: 0,
      tax: 1,
      total: 12,
    };
    expectIssueAt(estimateSchema, { ...estimate, options: [option] }, ['options', 0, 'total']);
  });

  it('rejects an impossible validUntil date', () => {
    expectIssueAt(
      estimateSchema,
      { ...estimate, validUntil: '2026-02-30' },
      ['validUntil'],
      /not a real calendar date/,
    );
  });
});
