import { expectedTotals, totalsMismatch, vendorTotals } from './write-totals.util';

describe('expectedTotals (Jobber policy)', () => {
  it('taxes the lines that do not say otherwise, less the discount', () => {
    const totals = expectedTotals({
      currency: 'USD',
      lineItems: [
        { quantity: 2, unitPrice: 100 },
        { quantity: 1, unitPrice: 50, taxable: false },
      ],
      discounts: [{ type: 'amount', amount: 30 }],
      taxes: [{ ratePercent: 10 }],
    });
    // subtotal 250, taxable base 200 − 30 = 170, tax 17.00.
    expect(totals).toEqual({ subtotal: 25_000, discount: 3_000, tax: 1_700, total: 23_700 });
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
