import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { purchaseOrderSchema } from './purchase-order.schema';

describe('purchaseOrderSchema', () => {
  const order = validEntities().purchase_order;

  it('accepts a purchase order', () => expectValid(purchaseOrderSchema, order));

  it('enforces total = subtotal + tax + shipping', () => {
    expectIssueAt(purchaseOrderSchema, { ...order, shipping: 14.99 }, ['total'], /expected 122\.74/);
  });
});
