import { centsToDecimalString, divideHalfUp, invoiceTotals, lineTotal, taxOn } from './world-money.util';
import type { WorldLineItem } from './world.schema';

const line = (type: WorldLineItem['type'], total: number, taxable: boolean): WorldLineItem => ({
  id: 1,
  type,
  pricebookItemId: null,
  code: '',
  description: 'x',
  quantityMilli: 1000,
  unitPrice: total,
  total,
  taxable,
});

describe('world money', () => {
  it('rounds half up to the cent', () => {
    expect(divideHalfUp(5, 10)).toBe(1);
    expect(divideHalfUp(4, 10)).toBe(0);
    expect(divideHalfUp(-5, 10)).toBe(-1);
    expect(lineTotal(1500, 140351)).toBe(210527); // 1.5 × 1403.51 = 2105.265 → 2105.27
    expect(taxOn(1000, 82_500)).toBe(83); // 82.5 ¢ → 83 ¢
    expect(taxOn(-500, 82_500)).toBe(0);
  });

  it('totals an invoice: subTotal − discount + tax on the taxable base', () => {
    const totals = invoiceTotals(
      [line('Service', 10_000, false), line('Material', 5_000, true), line('Discount', -1_000, true)],
      82_500,
    );
    expect(totals).toEqual({ subTotal: 15_000, discount: 1_000, salesTax: 330, total: 14_330 });
    expect(centsToDecimalString(14_330)).toBe('143.30');
    expect(centsToDecimalString(-5)).toBe('-0.05');
  });
});
