import fc from 'fast-check';
import { MAX_MINOR_UNITS } from './currency.constants';
import { MoneyError, MoneyErrorCode } from './money.error';
import { moneyCodec } from './money.schema';
import { Money } from './money.util';

const usd = (minor: number) => Money.ofMinor(minor, 'USD');
const minorArb = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });
const moneyArb = minorArb.map(usd);

function expectMoneyError(fn: () => unknown, code: MoneyErrorCode): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MoneyError);
    expect((error as MoneyError).code).toBe(code);
    return;
  }
  throw new Error(`expected MoneyError ${code}`);
}

describe('Money parsing', () => {
  it.each([
    ['1403.5', 140350],
    ['1403.00', 140300],
    ['1,403.50', 140350],
    ['-0.5', -50],
    ['0.005', 1],
    ['0.0049', 0],
    ['-0.005', -1],
    ['-0.0049', 0],
    ['1.5e3', 150000],
    ['.5', 50],
  ])('parses %s to %d cents (half-up = away from zero)', (input, minor) => {
    expect(Money.parse(input, 'USD').amountMinor).toBe(minor);
  });

  it('reads numbers as their shortest decimal, so 1.005 rounds to 1.01 and 0.1 + 0.2 to 0.30', () => {
    expect(Math.round(1.005 * 100)).toBe(100); // the float trap avoided
    expect(Money.parse(1.005, 'USD').amountMinor).toBe(101);
    expect(Money.parse(0.1 + 0.2, 'USD').amountMinor).toBe(30);
    expect(Money.parse(1403.5, 'USD').toDecimalString()).toBe('1403.50');
  });

  it('rejects malformed amounts with a clear error', () => {
    for (const bad of ['1,40.5', '1.403,50', '$12', '', 'abc', '1e401', '1.2.3']) {
      expectMoneyError(() => Money.parse(bad, 'USD'), MoneyErrorCode.InvalidAmount);
    }
    expectMoneyError(() => Money.parse(Number.NaN, 'USD'), MoneyErrorCode.InvalidAmount);
  });

  it('respects currency exponents and rejects unknown currencies', () => {
    expect(Money.parse('1403.5', 'JPY').amountMinor).toBe(1404);
    expect(Money.parse('1.2345', 'BHD').toDecimalString()).toBe('1.235');
    expect(Money.parse('12', 'JPY').toDecimalString()).toBe('12');
    expectMoneyError(() => Money.parse('1', 'XYZ'), MoneyErrorCode.UnsupportedCurrency);
  });

  it('rejects overflow beyond the supported range and unsafe integers', () => {
    expect(Money.ofMinor(MAX_MINOR_UNITS, 'USD').toDecimalString()).toBe('9999999999999.99');
    expectMoneyError(() => Money.ofMinor(MAX_MINOR_UNITS + 1, 'USD'), MoneyErrorCode.Overflow);
    expectMoneyError(() => Money.ofMinor(Number.MAX_SAFE_INTEGER + 2, 'USD'), MoneyErrorCode.Overflow);
    expectMoneyError(() => Money.parse('90071992547409.91', 'USD'), MoneyErrorCode.Overflow);
    expectMoneyError(() => Money.parse('1e400', 'USD'), MoneyErrorCode.Overflow);
    expectMoneyError(() => usd(MAX_MINOR_UNITS).add(usd(1)), MoneyErrorCode.Overflow);
    expectMoneyError(() => Money.ofMinor(1.5, 'USD'), MoneyErrorCode.InvalidAmount);
  });

  it('fromAmount is exact and refuses to round canonical data', () => {
    expect(Money.fromAmount(1403, 'USD').amountMinor).toBe(140300);
    expectMoneyError(() => Money.fromAmount(1.005, 'USD'), MoneyErrorCode.TooPrecise);
  });
});

describe('Money arithmetic', () => {
  it('multiplies by decimal quantities and takes percentages, rounding half-up', () => {
    expect(Money.parse('150', 'USD').multiply(1.5).toDecimalString()).toBe('225.00');
    expect(Money.parse('0.33', 'USD').multiply('0.5').amountMinor).toBe(17); // 16.5 → 17
    expect(Money.parse('-0.33', 'USD').multiply('0.5').amountMinor).toBe(-17);
    expect(Money.parse('1299', 'USD').percentage('8.25').toDecimalString()).toBe('107.17'); // 107.1675
    expect(Money.parse('250', 'USD').percentage(10).toDecimalString()).toBe('25.00');
  });

  it('refuses to mix currencies', () => {
    expectMoneyError(() => usd(1).add(Money.ofMinor(1, 'CAD')), MoneyErrorCode.CurrencyMismatch);
  });

  it('splits without losing a cent', () => {
    expect(
      usd(100)
        .split(3)
        .map((m) => m.amountMinor),
    ).toEqual([34, 33, 33]);
    expect(
      usd(-100)
        .split(3)
        .map((m) => m.amountMinor),
    ).toEqual([-34, -33, -33]);
    expect(
      usd(1000)
        .allocate([1, 1, 2])
        .map((m) => m.amountMinor),
    ).toEqual([250, 250, 500]);
    expect(
      usd(5)
        .allocate([0.3, 0.7])
        .map((m) => m.amountMinor),
    ).toEqual([2, 3]);
    expectMoneyError(() => usd(5).allocate([0, 0]), MoneyErrorCode.InvalidRatio);
    expectMoneyError(() => usd(5).allocate([-1, 2]), MoneyErrorCode.InvalidRatio);
  });

  it('serialises through the codec', () => {
    const money = moneyCodec.decode({ amount: 1403.5, currency: 'USD' });
    expect(money.amountMinor).toBe(140350);
    expect(moneyCodec.encode(money)).toEqual({ amount: 1403.5, currency: 'USD' });
    expect(moneyCodec.safeDecode({ amount: 1.005, currency: 'USD' }).success).toBe(false);
  });
});

describe('Money properties', () => {
  it('addition is commutative and associative', () => {
    fc.assert(
      fc.property(moneyArb, moneyArb, moneyArb, (a, b, c) => {
        expect(a.add(b).equals(b.add(a))).toBe(true);
        expect(
          a
            .add(b)
            .add(c)
            .equals(a.add(b.add(c))),
        ).toBe(true);
        expect(a.add(b).subtract(b).equals(a)).toBe(true);
      }),
    );
  });

  it('format then parse round-trips, through strings and canonical numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MINOR_UNITS, max: MAX_MINOR_UNITS }), (minor) => {
        const money = usd(minor);
        expect(Money.parse(money.toDecimalString(), 'USD').amountMinor).toBe(minor);
        expect(Money.fromAmount(money.toAmount(), 'USD').amountMinor).toBe(minor);
        expect(Money.parse(JSON.parse(JSON.stringify(money.toAmount())) as number, 'USD').amountMinor).toBe(
          minor,
        );
      }),
    );
  });

  it('split and allocate always sum to the whole, parts differ by at most one cent', () => {
    fc.assert(
      fc.property(moneyArb, fc.integer({ min: 1, max: 50 }), (money, parts) => {
        const pieces = money.split(parts);
        expect(Money.sum(pieces, 'USD').equals(money)).toBe(true);
        const amounts = pieces.map((p) => p.amountMinor);
        expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
      }),
    );
    fc.assert(
      fc.property(
        moneyArb,
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 }),
        (money, ratios) => {
          fc.pre(ratios.some((r) => r > 0));
          expect(Money.sum(money.allocate(ratios), 'USD').equals(money)).toBe(true);
        },
      ),
    );
  });

  it('parsing never rounds by more than half a cent', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.integer({ min: 0, max: 8 }),
        (mantissa, scale) => {
          const negative = mantissa < 0n;
          const digits = (negative ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
          const text = `${negative ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
          let minor: number;
          try {
            minor = Money.parse(text, 'USD').amountMinor;
          } catch {
            return; // out of range is rejected, not rounded
          }
          // |minor/100 - mantissa/10^scale| <= 1/200  ⇔  2·|minor·10^scale − mantissa·100| <= 10^scale
          const error = BigInt(minor) * 10n ** BigInt(scale) - mantissa * 100n;
          expect(2n * (error < 0n ? -error : error) <= 10n ** BigInt(scale)).toBe(true);
          expect(Money.parse(text.startsWith('-') ? text.slice(1) : `-${text}`, 'USD').amountMinor).toBe(
            -minor || 0,
          );
        },
      ),
    );
  });

  it('multiplying by a quantity is within half a cent of the exact product', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (minor, q1000) => {
          const result = usd(minor).multiply(q1000 / 1000).amountMinor;
          const error = BigInt(result) * 1000n - BigInt(minor) * BigInt(q1000);
          expect(2n * (error < 0n ? -error : error) <= 1000n).toBe(true);
        },
      ),
    );
  });

  it('tax on the sum differs from the sum of line taxes by at most floor((n + 1) / 2) cents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2000 }),
        (lines, rateHundredths) => {
          const rate = (rateHundredths / 100).toString();
          const monies = lines.map(usd);
          const taxOfSum = Money.sum(monies, 'USD').percentage(rate);
          const sumOfTaxes = Money.sum(
            monies.map((m) => m.percentage(rate)),
            'USD',
          );
          expect(Math.abs(taxOfSum.amountMinor - sumOfTaxes.amountMinor)).toBeLessThanOrEqual(
            Math.floor((lines.length + 1) / 2),
          );
        },
      ),
    );
  });
});
