import { estimateTotalsMismatch, expectedTotals, invoiceTotalsMismatch } from './write-totals.util';

/* ServiceTitan's taxable base and the read-back totals check, in minor units. */

const invoice = {
  currency: 'USD',
  lineItems: [
    { quantity: 1, unitPrice: 189.5 },
    { quantity: 2, unitPrice: 24.25, taxable: true },
  ],
  discounts: [{ type: 'amount' as const, amount: 10 }],
  taxes: [{ ratePercent: 6.25 }],
};

describe('expectedTotals (ServiceTitan policy)', () => {
  it('taxes only the lines marked taxable, and the discount lowers the total, not the taxable base', () => {
    // taxable base 48.50 (not 238.00, not 48.50 − 10): 6.25 % = 3.03125 → 3.03.
    expect(expectedTotals(invoice)).toMatchObject({
      subtotal: 23_800,
      discount: 1_000,
      tax: 303,
      total: 23_103,
    });
  });
});

describe('invoiceTotalsMismatch', () => {
  const expected = expectedTotals(invoice);

  it("agrees with ServiceTitan's decimal strings (subTotal net of the discount lines)", () => {
    expect(
      invoiceTotalsMismatch(expected, { subTotal: '228.00', salesTax: '3.03', total: '231.03' }, 'USD'),
    ).toBeUndefined();
  });

  it('names each field that differs with both amounts', () => {
    expect(
      invoiceTotalsMismatch(expected, { subTotal: '228.00', salesTax: '3.04', total: '231.04' }, 'USD'),
    ).toBe(
      'vendor salesTax 3.04 USD differs from computed 3.03 USD; vendor total 231.04 USD differs from computed 231.03 USD',
    );
    expect(
      invoiceTotalsMismatch(expected, { subTotal: '238.00', salesTax: '3.03', total: '231.03' }, 'USD'),
    ).toBe('vendor subTotal 238.00 USD differs from computed 228.00 USD');
  });
});

describe('estimateTotalsMismatch', () => {
  const expected = expectedTotals({
    currency: 'USD',
    lineItems: [
      { quantity: 1, unitPrice: 2400 },
      { quantity: 2.5, unitPrice: 120 },
    ],
  });

  it("compares the estimate items' dollar totals with the computed subtotal", () => {
    expect(estimateTotalsMismatch(expected, [2400, 300], 'USD')).toBeUndefined();
    expect(estimateTotalsMismatch(expected, [2400, 299.99], 'USD')).toBe(
      'vendor items total 2699.99 USD differs from computed 2700.00 USD',
    );
  });
});
