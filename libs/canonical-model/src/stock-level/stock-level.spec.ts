import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { stockLevelSchema } from './stock-level.schema';

describe('stockLevelSchema', () => {
  const stock = validEntities().stock_level;

  it('accepts a stock level with a composite external id', () => {
    expectValid(stockLevelSchema, stock);
    expect(stock.externalId).toBe('1600:900');
  });

  it('rejects a warehouse id that is a pricebook id', () => {
    expectIssueAt(stockLevelSchema, { ...stock, warehouseId: stock.pricebookItemId }, ['warehouseId']);
  });
});
