import { commandTotals, decimalToMinor, fromMinor } from './servicetitan-totals.util';

describe('commandTotals', () => {
  it('sums lines half-up in minor units, takes discounts off and taxes the taxable lines', () => {
    const totals = commandTotals({
      currency: 'USD',
      lineItems: [
        { quantity: 1.5, unitPrice: 10.01, taxable: true }, // 15.015 → 15.02
        { quantity: 2, unitPrice: 99.99 }, // 199.98, not taxable
      ],
      discounts: [
        { type: 'amount', amount: 5 },
        { type: 'percent', percent: 10 }, // 10 % of 215.00 = 21.50
      ],
      taxes: [{ ratePercent: 8.25 }], // 8.25 % of 15.02 = 1.23915 → 1.24
    });
    expect(totals.lines).toEqual([1502, 19998]);
    expect(totals.subTotal).toBe(21500);
    expect(totals.discounts).toEqual([500, 2150]);
    expect(totals.tax).toBe(124);
    expect(totals.total).toBe(21500 - 2650 + 124);
  });

  it('has no tax without taxes, and uses the currency exponent', () => {
    expect(
      commandTotals({ currency: 'JPY', lineItems: [{ quantity: 3, unitPrice: 105, taxable: true }] }),
    ).toEqual({
      lines: [315],
      subTotal: 315,
      discounts: [],
      discount: 0,
      tax: 0,
      total: 315,
    });
  });
});

describe('decimal amounts', () => {
  it('reads ServiceTitan decimal strings into minor units, half-up', () => {
    expect(decimalToMinor('4458.92', 2)).toBe(445_892);
    expect(decimalToMinor('12.5', 2)).toBe(1250);
    expect(decimalToMinor('-3.005', 2)).toBe(-301);
    expect(() => decimalToMinor('12,50', 2)).toThrow('not a decimal amount');
  });

  it('writes minor units back as exact major-unit numbers', () => {
    expect(fromMinor(445_892, 2)).toBe(4458.92);
    expect(fromMinor(7, 0)).toBe(7);
  });
});
