import { expectedTotals, totalsMismatch, vendorTotals } from './jobber-write-totals.util';

describe('expectedTotals', () => {
  it('rounds each line half-up to the cent and sums them', () => {
    // 1.5 × 10.01 = 15.015 → 15.02; 3 × 0.333 is not a USD amount, so 3 × 0.33 = 0.99.
    const totals = expectedTotals({
      currency: 'USD',
      lineItems: [
        { quantity: 1.5, unitPrice: 10.01 },
        { quantity: 3, unitPrice: 0.33 },
      ],
    });
    expect(totals).toEqual({ subtotal: 1601, discount: 0, tax: 0, total: 1601 });
  });

  it('takes discounts off the subtotal and taxes the taxable lines less the discount', () => {
    const totals = expectedTotals({
      currency: 'USD',
      lineItems: [
        { quantity: 2, unitPrice: 100, taxable: true },
        { quantity: 1, unitPrice: 50, taxable: false },
      ],
      discounts: [
        { type: 'percent', percent: 10 },
        { type: 'amount', amount: 5 },
      ],
      taxes: [{ ratePercent: 8.25 }, { ratePercent: 1 }],
    });
    // subtotal 250, discount 25 + 5 = 30, taxable base 200 − 30 = 170, tax 14.025 → 14.03 and 1.70.
    expect(totals).toEqual({ subtotal: 25_000, discount: 3_000, tax: 1_573, total: 23_573 });
  });

  it('never taxes a negative base', () => {
    const totals = expectedTotals({
      currency: 'USD',
      lineItems: [
        { quantity: 1, unitPrice: 10, taxable: true },
        { quantity: 1, unitPrice: 90, taxable: false },
      ],
      discounts: [{ type: 'amount', amount: 20 }],
      taxes: [{ ratePercent: 10 }],
    });
    expect(totals.tax).toBe(0);
    expect(totals.total).toBe(8_000);
  });
});

describe('totalsMismatch', () => {
  const expected = { subtotal: 10_000, discount: 0, tax: 825, total: 10_825 };

  it('agrees with the vendor float dollars that round to the same cents', () => {
    const vendor = vendorTotals({ subtotal: 100, discountAmount: 0, taxAmount: 8.25, total: 108.25 }, 'USD');
    expect(totalsMismatch(expected, vendor, 'USD', true)).toBeUndefined();
  });

  it('names the field and both amounts when they differ', () => {
    const vendor = vendorTotals({ subtotal: 100, discountAmount: 0, taxAmount: 9, total: 109 }, 'USD');
    expect(totalsMismatch(expected, vendor, 'USD', true)).toBe(
      'vendor tax 9.00 USD differs from computed 8.25 USD; vendor total 109.00 USD differs from computed 108.25 USD',
    );
  });

  it('leaves tax and total to the vendor when the command states no taxes', () => {
    const vendor = vendorTotals({ subtotal: 100, discountAmount: 0, taxAmount: 9, total: 109 }, 'USD');
    expect(totalsMismatch(expected, vendor, 'USD', false)).toBeUndefined();
    const wrongSubtotal = vendorTotals(
      { subtotal: 99.99, discountAmount: 0, taxAmount: 0, total: 99.99 },
      'USD',
    );
    expect(totalsMismatch(expected, wrongSubtotal, 'USD', false)).toBe(
      'vendor subtotal 99.99 USD differs from computed 100.00 USD',
    );
  });
});
