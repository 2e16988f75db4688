/** Why a command did not succeed. `retriable` says whether sending the same command again can help. */
export const RESULT_ERROR_CODES = [
  'validation_failed',
  'idempotency_key_reused',
  'idempotency_key_in_flight',
  'schedule_conflict',
  'vendor_rejected',
  'vendor_unavailable',
  'rate_limited',
  'not_found',
  'forbidden',
  'unsupported',
  /** The document's date falls in a closed accounting period (TOM); `field` names the date. */
  'period_locked',
  'auth_failed',
  'mfa_required',
  'timeout',
  'internal',
] as const;

export type ResultErrorCode = (typeof RESULT_ERROR_CODES)[number];

/** Default retriability per code (a writer may override it with what the vendor said, e.g. Retry-After). */
export const RESULT_ERROR_RETRIABLE: Readonly<Record<ResultErrorCode, boolean>> = {
  validation_failed: false,
  idempotency_key_reused: false,
  idempotency_key_in_flight: true,
  schedule_conflict: false,
  vendor_rejected: false,
  vendor_unavailable: true,
  rate_limited: true,
  not_found: false,
  forbidden: false,
  unsupported: false,
  period_locked: false,
  auth_failed: false,
  mfa_required: true,
  timeout: true,
  internal: true,
};
