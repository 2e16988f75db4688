/**
 * Key names whose values never reach a log line, at any depth. Matching ignores case, `-` and `_`:
 * `password`, `Password`, `set-cookie`, `Set-Cookie`, `access_token`, `accessToken`, `X-API-Key` ...
 */
export const SECRET_KEYS = [
  // passwords
  'password',
  'passwd',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'passwordConfirmation',
  // MFA / TOTP secrets and one-time codes
  'secret',
  'clientSecret',
  'mfaSecret',
  'totpSecret',
  'otpSecret',
  'mfaCode',
  'totpCode',
  'otp',
  'otpCode',
  'verificationCode',
  'smsCode',
  'emailCode',
  // cookies and sessions
  'cookie',
  'cookies',
  'set-cookie',
  'cookieJar',
  'sessionCookie',
  'sessionId',
  'sessionToken',
  // tokens
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'bearerToken',
  'bearer',
  'csrfToken',
  'csrf',
  'xsrfToken',
  'x-csrf-token',
  'x-xsrf-token',
  'signingSecret',
  'webhookSecret',
  // authorization headers and API keys
  'authorization',
  'proxy-authorization',
  'apiKey',
  'x-api-key',
  'vaultKey',
  // card data
  'cardNumber',
  'pan',
  'cvv',
  'cvc',
  'cvv2',
  'securityCode',
] as const;

export const REDACTED = '[REDACTED]';

/**
 * pino `redact` paths for what serializers produce after the key-based redaction has run
 * (pino-http's `req`/`res`): the request and response headers that carry credentials.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-csrf-token"]',
  'req.headers["x-xsrf-token"]',
  'res.headers["set-cookie"]',
];
