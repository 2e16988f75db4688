import { MoneyError, MoneyErrorCode } from './money.error';

/** An exact decimal: value = mantissa / 10^scale. */
export interface Decimal {
  readonly mantissa: bigint;
  readonly scale: number;
}

const PLAIN_DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const GROUPED_DECIMAL = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * Parses a decimal exactly (no floating point). Strings accept an optional sign, digits, a `.` and
 * an exponent (`1403.5`, `-0.005`, `1.5e3`), plus US thousands separators when they are well formed
 * (`1,403.50`; `1,40.5` and the European `1.403,50` are rejected). Numbers are read through their
 * shortest round-trip representation (`String(1403.5)` = `"1403.5"`, `String(0.1 + 0.2)` =
 * `"0.30000000000000004"`), which is the decimal the vendor most plausibly meant.
 */
export function parseDecimal(input: string | number): Decimal {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) {
      throw new MoneyError(
        MoneyErrorCode.InvalidAmount,
        `amount must be a finite number, got ${String(input)}`,
      );
    }
    text = String(input);
  } else {
    text = input.trim();
    if (text.includes(',')) {
      if (!GROUPED_DECIMAL.test(text)) {
        throw new MoneyError(
          MoneyErrorCode.InvalidAmount,
          `malformed amount ${JSON.stringify(input)}: thousands separators must be commas in groups of three`,
        );
      }
      text = text.replace(/,/g, '');
    }
  }
  const match = PLAIN_DECIMAL.exec(text);
  const intPart = match?.[2] ?? '';
  const fracPart = match?.[3] ?? '';
  if (!match || (intPart === '' && fracPart === '') || text.length > 400) {
    throw new MoneyError(MoneyErrorCode.InvalidAmount, `malformed amount ${JSON.stringify(input)}`);
  }
  const exponent = Number(match[4] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) {
    throw new MoneyError(MoneyErrorCode.InvalidAmount, `amount ${JSON.stringify(input)} is out of range`);
  }
  let mantissa = BigInt(`${intPart}${fracPart}` || '0');
  if (match[1] === '-') mantissa = -mantissa;
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    mantissa *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { mantissa, scale };
}

/** Number of decimals actually used (trailing zeros ignored): `1403.50` → 1, `1403.00` → 0. */
export function significantDecimals(value: Decimal): number {
  let { mantissa, scale } = value;
  while (scale > 0 && mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale -= 1;
  }
  return scale;
}

/**
 * numerator / denominator rounded HALF-UP, where "up" means AWAY FROM ZERO (commercial rounding):
 * 0.5 → 1, 1.5 → 2, -0.5 → -1, -1.5 → -2. It is symmetric, so rounding a refund (negative) gives the
 * exact mirror of rounding the charge: round(-x) = -round(x).
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new MoneyError(MoneyErrorCode.InvalidAmount, 'division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = n / d;
  const remainder = n % d;
  const rounded = remainder * 2n >= d ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

/** Rescales a decimal to `targetScale` digits, rounding half-up (away from zero) when digits are dropped. */
export function rescaleRoundHalfUp(value: Decimal, targetScale: number): bigint {
  if (value.scale <= targetScale) return value.mantissa * 10n ** BigInt(targetScale - value.scale);
  return divideRoundHalfUp(value.mantissa, 10n ** BigInt(value.scale - targetScale));
}
