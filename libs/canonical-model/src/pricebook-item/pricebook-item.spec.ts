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

  it('carries a price per zone, each zone once, exact to the currency; null for a vendor without zones', () => {
    expectValid(pricebookItemSchema, { ...item, zonePrices: null });
    expectValid(pricebookItemSchema, { ...item, zonePrices: [] });
    expectValid(pricebookItemSchema, {
      ...item,
      currency: 'JPY',
      price: 1500,
      memberPrice: null,
      cost: null,
      zonePrices: [{ zone: 'North', price: 1600 }],
    });
    expectIssueAt(pricebookItemSchema, { ...item, zonePrices: [{ zone: 'North', price: 10.005 }] }, [
      'zonePrices',
      0,
      'price',
    ]);
    expectIssueAt(
      pricebookItemSchema,
      {
        ...item,
        currency: 'JPY',
        price: 1500,
        memberPrice: null,
        cost: null,
        zonePrices: [{ zone: 'North', price: 1600.5 }],
      },
      ['zonePrices', 0, 'price'],
    );
    expectIssueAt(
      pricebookItemSchema,
      {
        ...item,
        zonePrices: [
          { zone: 'North', price: 10 },
          { zone: 'North', price: 11 },
        ],
      },
      ['zonePrices', 1, 'zone'],
      /more than once/,
    );
    expectIssueAt(pricebookItemSchema, { ...item, zonePrices: [{ zone: '', price: 10 }] }, [
      'zonePrices',
      0,
      'zone',
    ]);
    expectIssueAt(pricebookItemSchema, { ...item, zonePrices: [{ zone: 'North', price: 10, tier: 1 }] }, [
      'zonePrices',
      0,
    ]);
    const { zonePrices: _omitted, ...without } = item;
    expectIssueAt(pricebookItemSchema, without, ['zonePrices']);
  });
});
