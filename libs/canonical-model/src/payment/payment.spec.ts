import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import seedPayment from '../__fixtures__/seed-workiz-payment.json';
import { paymentSchema } from './payment.schema';

describe('paymentSchema', () => {
  const payment = validEntities().payment;

  it('accepts a payment and the Workiz seed payment', () => {
    expectValid(paymentSchema, payment);
    expect(paymentSchema.parse(seedPayment).card?.last4).toBe('4242');
  });

  it('keeps only the last four card digits', () => {
    expectIssueAt(paymentSchema, { ...payment, card: { brand: 'visa', last4: '4242424242424242' } }, [
      'card',
      'last4',
    ]);
    expectIssueAt(paymentSchema, { ...payment, cardNumber: '4242424242424242' }, []);
  });

  it('rejects a full card number hidden in the memo', () => {
    expectIssueAt(
      paymentSchema,
      { ...payment, memo: 'card 4242 4242 4242 4242 ok' },
      ['memo'],
      /card number/,
    );
  });

  it('rejects card details on a cash payment and over-application', () => {
    expectIssueAt(paymentSchema, { ...payment, method: 'cash' }, ['card']);
    expectIssueAt(
      paymentSchema,
      { ...payment, appliedTo: [{ invoiceId: payment.invoiceId, amount: 100.01 }] },
      ['appliedTo'],
    );
  });

  it('rejects an unknown method and a refund larger than the payment', () => {
    expectIssueAt(paymentSchema, { ...payment, method: 'bitcoin' }, ['method']);
    expectIssueAt(paymentSchema, { ...payment, refundedAmount: 150 }, ['refundedAmount']);
  });
});
