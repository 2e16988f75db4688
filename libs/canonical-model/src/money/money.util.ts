import { CurrencyCode, MAX_MINOR_UNITS, currencyExponent, isSupportedCurrency } from './currency.constants';
import {
  Decimal,
  divideRoundHalfUp,
  parseDecimal,
  rescaleRoundHalfUp,
  significantDecimals,
} from './decimal.util';
import { MoneyError, MoneyErrorCode } from './money.error';

function checkCurrency(currency: string): CurrencyCode {
  if (!isSupportedCurrency(currency)) {
    throw new MoneyError(
      MoneyErrorCode.UnsupportedCurrency,
      `unsupported currency ${JSON.stringify(currency)}; supported: USD, CAD, GBP, EUR, AUD and others in CURRENCY_EXPONENTS`,
    );
  }
  return currency;
}

function checkBounds(minor: bigint, currency: CurrencyCode): number {
  if (minor > BigInt(MAX_MINOR_UNITS) || minor < -BigInt(MAX_MINOR_UNITS)) {
    throw new MoneyError(
      MoneyErrorCode.Overflow,
      `amount of ${minor.toString()} ${currency} minor units exceeds the supported maximum of ${MAX_MINOR_UNITS}`,
    );
  }
  const value = Number(minor);
  return value === 0 ? 0 : value; // never -0
}

function decimalOf(value: number | string, what: string): Decimal {
  try {
    return parseDecimal(value);
  } catch (cause) {
    throw new MoneyError(MoneyErrorCode.InvalidAmount, `invalid ${what} ${JSON.stringify(value)}`, { cause });
  }
}

/**
 * An amount of money held as an integer number of minor units (cents) plus its ISO 4217 currency.
 * Immutable; arithmetic never uses floating point (bigint internally, then range-checked).
 *
 * Rounding, wherever digits are dropped (parsing `"1403.505"`, `multiply(1.5)`, `percentage(8.25)`), is
 * HALF-UP meaning half AWAY FROM ZERO: 0.5 cent → 1 cent, -0.5 cent → -1 cent.
 */
export class Money {
  private constructor(
    /** Integer minor units, |amountMinor| ≤ MAX_MINOR_UNITS. */
    readonly amountMinor: number,
    readonly currency: CurrencyCode,
  ) {}

  /** From integer minor units (e.g. Housecall Pro's cents). Throws on fractions or overflow. */
  static ofMinor(amountMinor: number | bigint, currency: string): Money {
    const code = checkCurrency(currency);
    if (typeof amountMinor === 'number' && !Number.isSafeInteger(amountMinor)) {
      throw new MoneyError(
        Number.isInteger(amountMinor) ? MoneyErrorCode.Overflow : MoneyErrorCode.InvalidAmount,
        `minor units must be a safe integer, got ${String(amountMinor)}`,
      );
    }
    return new Money(checkBounds(BigInt(amountMinor), code), code);
  }

  static zero(currency: string): Money {
    return Money.ofMinor(0, currency);
  }

  /**
   * From a vendor decimal in major units: `"1403.5"`, `1403.5`, `"1,403.50"`, ServiceTitan's decimal
   * strings, Jobber's float dollars. Extra digits are rounded half-up (away from zero) to the currency's
   * minor unit: `"0.005"` USD → 0.01, `"-0.005"` → -0.01, `1.005` → 1.01 (read as the decimal 1.005).
   */
  static parse(value: string | number, currency: string): Money {
    const code = checkCurrency(currency);
    const decimal = decimalOf(value, 'amount');
    return new Money(checkBounds(rescaleRoundHalfUp(decimal, currencyExponent(code)), code), code);
  }

  /**
   * From a canonical JSON amount (major units, e.g. `1403.5`). Exact: throws `too_precise` when the number
   * has more decimals than the currency allows, instead of rounding (canonical data is already rounded).
   */
  static fromAmount(amount: number, currency: string): Money {
    const code = checkCurrency(currency);
    const decimal = decimalOf(amount, 'amount');
    if (significantDecimals(decimal) > currencyExponent(code)) {
      throw new MoneyError(
        MoneyErrorCode.TooPrecise,
        `amount ${String(amount)} has more than ${currencyExponent(code)} decimals for ${code}`,
      );
    }
    return new Money(checkBounds(rescaleRoundHalfUp(decimal, currencyExponent(code)), code), code);
  }

  /** Sum of amounts, all in `currency`; an empty list sums to zero. */
  static sum(amounts: readonly Money[], currency: string): Money {
    return amounts.reduce((total, amount) => total.add(amount), Money.zero(currency));
  }

  get exponent(): number {
    return currencyExponent(this.currency);
  }

  private same(other: Money): void {
    if (other.currency !== this.currency) {
      throw new MoneyError(
        MoneyErrorCode.CurrencyMismatch,
        `cannot combine ${this.currency} with ${other.currency}`,
      );
    }
  }

  private with(minor: bigint): Money {
    return new Money(checkBounds(minor, this.currency), this.currency);
  }

  add(other: Money): Money {
    this.same(other);
    return this.with(BigInt(this.amountMinor) + BigInt(other.amountMinor));
  }

  subtract(other: Money): Money {
    this.same(other);
    return this.with(BigInt(this.amountMinor) - BigInt(other.amountMinor));
  }

  negate(): Money {
    return this.with(-BigInt(this.amountMinor));
  }

  abs(): Money {
    return this.amountMinor < 0 ? this.negate() : this;
  }

  /** Unit price × quantity, for decimal quantities too (`1.5` hours, `"0.25"`); rounded half-up. */
  multiply(quantity: number | string): Money {
    const q = decimalOf(quantity, 'quantity');
    return this.with(divideRoundHalfUp(BigInt(this.amountMinor) * q.mantissa, 10n ** BigInt(q.scale)));
  }

  /** `ratePercent` percent of this amount (tax 8.25 → 8.25 %, discount 10 → 10 %), rounded half-up. */
  percentage(ratePercent: number | string): Money {
    const rate = decimalOf(ratePercent, 'percentage');
    return this.with(
      divideRoundHalfUp(BigInt(this.amountMinor) * rate.mantissa, 100n * 10n ** BigInt(rate.scale)),
    );
  }

  /**
   * Splits this amount in proportion to `ratios` (non-negative, at least one positive) without losing or
   * creating a minor unit: the parts always sum to the whole. Uses the largest-remainder method; leftover
   * units go to the largest fractional remainders, ties to the earlier ratio. Negative amounts are split
   * as their absolute value and negated.
   */
  allocate(ratios: readonly (number | string)[]): Money[] {
    if (ratios.length === 0)
      throw new MoneyError(MoneyErrorCode.InvalidRatio, 'allocate needs at least one ratio');
    const decimals = ratios.map((ratio) => decimalOf(ratio, 'ratio'));
    const scale = Math.max(...decimals.map((d) => d.scale));
    const weights = decimals.map((d) => d.mantissa * 10n ** BigInt(scale - d.scale));
    if (weights.some((w) => w < 0n))
      throw new MoneyError(MoneyErrorCode.InvalidRatio, 'ratios must not be negative');
    const totalWeight = weights.reduce((a, b) => a + b, 0n);
    if (totalWeight === 0n)
      throw new MoneyError(MoneyErrorCode.InvalidRatio, 'at least one ratio must be positive');
    const whole = BigInt(Math.abs(this.amountMinor));
    const sign = this.amountMinor < 0 ? -1n : 1n;
    const shares = weights.map((w) => (whole * w) / totalWeight);
    const remainders = weights.map((w, index) => ({ index, remainder: (whole * w) % totalWeight }));
    let leftover = whole - shares.reduce((a, b) => a + b, 0n);
    remainders.sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
    for (const { index } of remainders) {
      if (leftover === 0n) break;
      shares[index] = (shares[index] ?? 0n) + 1n;
      leftover -= 1n;
    }
    return shares.map((share) => this.with(share * sign));
  }

  /** Splits into `parts` near-equal amounts (differing by at most one minor unit) that sum to the whole. */
  split(parts: number): Money[] {
    if (!Number.isSafeInteger(parts) || parts < 1) {
      throw new MoneyError(
        MoneyErrorCode.InvalidRatio,
        `parts must be a positive integer, got ${String(parts)}`,
      );
    }
    return this.allocate(Array.from({ length: parts }, () => 1));
  }

  isZero(): boolean {
    return this.amountMinor === 0;
  }

  isNegative(): boolean {
    return this.amountMinor < 0;
  }

  isPositive(): boolean {
    return this.amountMinor > 0;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.amountMinor === other.amountMinor;
  }

  /** -1, 0 or 1; throws when currencies differ. */
  compare(other: Money): number {
    this.same(other);
    return Math.sign(this.amountMinor - other.amountMinor);
  }

  /** Exact decimal text with exactly `exponent` decimals: `1403.00`, `-0.05`, JPY `1403`. */
  toDecimalString(): string {
    const exponent = this.exponent;
    const negative = this.amountMinor < 0;
    const digits = Math.abs(this.amountMinor)
      .toString()
      .padStart(exponent + 1, '0');
    const body = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
    return negative ? `-${body}` : body;
  }

  /** The canonical JSON number in major units (`1403`, `1403.5`); exact to the currency's decimals. */
  toAmount(): number {
    const amount = Number(this.toDecimalString());
    return amount === 0 ? 0 : amount;
  }

  toJSON(): { amount: number; currency: CurrencyCode } {
    return { amount: this.toAmount(), currency: this.currency };
  }

  toString(): string {
    return `${this.toDecimalString()} ${this.currency}`;
  }
}
