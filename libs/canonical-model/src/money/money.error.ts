export enum MoneyErrorCode {
  InvalidAmount = 'invalid_amount',
  UnsupportedCurrency = 'unsupported_currency',
  CurrencyMismatch = 'currency_mismatch',
  Overflow = 'overflow',
  TooPrecise = 'too_precise',
  InvalidRatio = 'invalid_ratio',
}

/** A programming or data error in money handling. Never retriable: the same input fails the same way. */
export class MoneyError extends Error {
  readonly retriable = false;

  constructor(
    readonly code: MoneyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MoneyError';
  }
}
