import { commandTotals } from './command-totals.util';

const SERVICETITAN = { taxableByDefault: false, discountsLowerTaxBase: false };
const JOBBER = { taxableByDefault: true, discountsLowerTaxBase: true };

describe('commandTotals', () => {
  it('rounds each line half-up in minor units and sums them', () => {
    // 1.5 × 10.01 = 15.015 → 15.02; 3 × 0.33 = 0.99.
    const totals = commandTotals(
      {
        currency: 'USD',
        lineItems: [
          { quantity: 1.5, unitPrice: 10.01 },
          { quantity: 3, unitPrice: 0.33 },
        ],
      },
      JOBBER,
    );
    expect(totals).toEqual({
      lines: [1502, 99],
      subtotal: 1601,
      discounts: [],
      discount: 0,
      tax: 0,
      total: 1601,
    });
  });

  it('ServiceTitan: discounts lower the total only, and only lines marked taxable are taxed', () => {
    const totals = commandTotals(
      {
        currency: 'USD',
        lineItems: [
          { quantity: 1.5, unitPrice: 10.01, taxable: true }, // 15.02
          { quantity: 2, unitPrice: 99.99 }, // 199.98, not taxable
        ],
        discounts: [
          { type: 'amount', amount: 5 },
          { type: 'percent', percent: 10 }, // 10 % of 215.00 = 21.50
        ],
        taxes: [{ ratePercent: 8.25 }], // 8.25 % of 15.02 = 1.23915 → 1.24
      },
      SERVICETITAN,
    );
    expect(totals).toEqual({
      lines: [1502, 19998],
      subtotal: 21500,
      discounts: [500, 2150],
      discount: 2650,
      tax: 124,
      total: 21500 - 2650 + 124,
    });
  });

  it('Jobber: lines are taxable unless they say not, and the base is the taxable lines less the discount', () => {
    const totals = commandTotals(
      {
        currency: 'USD',
        lineItems: [
          { quantity: 2, unitPrice: 100 },
          { quantity: 1, unitPrice: 50, taxable: false },
        ],
        discounts: [
          { type: 'percent', percent: 10 },
          { type: 'amount', amount: 5 },
        ],
        taxes: [{ ratePercent: 8.25 }, { ratePercent: 1 }],
      },
      JOBBER,
    );
    // subtotal 250, discount 25 + 5 = 30, taxable base 200 − 30 = 170, taxes 14.025 → 14.03 and 1.70.
    expect(totals).toMatchObject({ subtotal: 25_000, discount: 3_000, tax: 1_573, total: 23_573 });
  });

  it('never taxes a negative base, and uses the currency exponent', () => {
    const negative = commandTotals(
      {
        currency: 'USD',
        lineItems: [
          { quantity: 1, unitPrice: 10 },
          { quantity: 1, unitPrice: 90, taxable: false },
        ],
        discounts: [{ type: 'amount', amount: 20 }],
        taxes: [{ ratePercent: 10 }],
      },
      JOBBER,
    );
    expect([negative.tax, negative.total]).toEqual([0, 8_000]);
    const yen = commandTotals(
      { currency: 'JPY', lineItems: [{ quantity: 3, unitPrice: 105, taxable: true }] },
      SERVICETITAN,
    );
    expect(yen).toEqual({ lines: [315], subtotal: 315, discounts: [], discount: 0, tax: 0, total: 315 });
  });
});
