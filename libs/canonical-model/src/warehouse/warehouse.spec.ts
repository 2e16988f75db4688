import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { warehouseSchema } from './warehouse.schema';

describe('warehouseSchema', () => {
  const warehouse = validEntities().warehouse;

  it('accepts a truck', () => expectValid(warehouseSchema, warehouse));

  it('rejects an unknown kind', () => {
    expectIssueAt(warehouseSchema, { ...warehouse, kind: 'van' }, ['kind']);
  });
});
