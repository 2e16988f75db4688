/**
 * ISO 4217 currencies fieldsync accepts, with their minor-unit exponent (digits after the decimal
 * point). Anything else is rejected with a clear error instead of being guessed: add a currency here (and
 * to the tests) when a tenant needs it.
 */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  CAD: 2,
  GBP: 2,
  EUR: 2,
  AUD: 2,
  NZD: 2,
  MXN: 2,
  CHF: 2,
  ZAR: 2,
  JPY: 0,
  KRW: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
} as const;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export const SUPPORTED_CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as [CurrencyCode, ...CurrencyCode[]];

/** The largest number of decimals any supported currency uses. */
export const MAX_CURRENCY_EXPONENT = 3;

/**
 * Largest magnitude, in minor units, that a Money may hold: 999 999 999 999 999 (15 digits).
 * Stricter than Number.MAX_SAFE_INTEGER on purpose: every decimal with at most 15 significant digits
 * survives the trip decimal → IEEE-754 double → shortest decimal unchanged, so a canonical JSON number
 * such as `90071992547409.91` can never silently become `...409.92`. ($9.99 trillion is plenty.)
 */
export const MAX_MINOR_UNITS = 999_999_999_999_999;

export function isSupportedCurrency(code: string): code is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code);
}

export function currencyExponent(code: CurrencyCode): number {
  return CURRENCY_EXPONENTS[code];
}
