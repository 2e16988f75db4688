/** Injection token of the operator's token (FIELDSYNC_ADMIN_TOKEN), `undefined` when unset (operator routes closed). */
export const OPERATOR_TOKEN = Symbol('OPERATOR_TOKEN');
/** Route metadata: what a route accepts (`operator` and/or key scopes). */
export const ACCESS_METADATA = Symbol('ACCESS_METADATA');
/** Injection token of the per-key RateLimiter. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** The HMAC key of session tokens (from FIELDSYNC_SESSION_TOKEN_SECRET), or undefined: refused. */
export const SESSION_TOKEN_KEY = Symbol('SESSION_TOKEN_KEY');
