import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { invoiceSchema } from './invoice.schema';

describe('invoiceSchema', () => {
  const invoice = validEntities().invoice;

  it('accepts an invoice', () => expectValid(invoiceSchema, invoice));

  it('enforces total = subtotal − discount + tax in minor units', () => {
    expectIssueAt(invoiceSchema, { ...invoice, total: 319.3, balance: 219.3 }, ['total'], /expected 319\.31/);
  });

  it('enforces balance = total − amountPaid', () => {
    expectIssueAt(invoiceSchema, { ...invoice, balance: 219.32 }, ['balance'], /expected 219\.31/);
  });

  it('is exact where floating point is not (0.1 + 0.2 style amounts)', () => {
    const v = {
      ...invoice,
      lineItems: [],
      taxes: [],
      discounts: [],
      subtotal: 0.1,
      discount: 0,
      tax: 0.2,
      total: 0.3,
      amountPaid: 0,
      balance: 0.3,
    };
    expect(0.1 + 0.2).not.toBe(0.3);
    expectValid(invoiceSchema, v);
  });

  it('rejects a paid invoice with a balance and a due date before the issue date', () => {
    expectIssueAt(invoiceSchema, { ...invoice, status: 'paid' }, ['balance']);
    expectIssueAt(invoiceSchema, { ...invoice, dueDate: '2026-01-01' }, ['dueDate']);
  });
});
