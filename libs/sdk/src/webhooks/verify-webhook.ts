import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused: each names what failed (never the secret nor the expected signature). */
export type WebhookVerificationFailure =
  | 'invalid_secret'
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'invalid_signature_header'
  | 'signature_mismatch'
  | 'invalid_payload';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Request headers as Node (`IncomingMessage.headers`), fetch (`Headers`) or a plain record give them. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifiedWebhook<T = unknown> {
  /** `webhook-id`: the same on every retry of the message; deduplicate on it. */
  readonly id: string;
  /** `webhook-timestamp` (Unix seconds) of this attempt. */
  readonly timestamp: number;
  /** The body, JSON-parsed: a CloudEvent (change or operational event). */
  readonly payload: T;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(' ');
  }
  return undefined;
}

function keyOf(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `the signing secret must start with ${SECRET_PREFIX}`,
    );
  }
  const body = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(body)) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `the signing secret must be ${SECRET_PREFIX} + base64`,
    );
  }
  return Buffer.from(body, 'base64');
}

/**
 * Verifies a fieldsync webhook delivery the way the dispatcher signs it (Standard Webhooks, symmetric):
 * `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256(secret bytes, "<id>.<timestamp>.<body>")>`
 * entries (one per secret during a rotation); one must match, compared in constant time. `webhook-timestamp`
 * must lie within `toleranceSeconds` (default 300) of now, so a captured delivery cannot be replayed later.
 * Pass the raw body exactly as received (a re-serialised JSON no longer matches). Returns the id, timestamp
 * and parsed payload; throws a `WebhookVerificationError` whose `reason` names what failed.
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  options: { toleranceSeconds?: number; now?: Date } = {},
): VerifiedWebhook<T> {
  const key = keyOf(secret);
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  for (const [name, value] of [
    ['webhook-id', id],
    ['webhook-timestamp', timestampText],
    ['webhook-signature', signatures],
  ] as const) {
    if (value === undefined || value.trim() === '') {
      throw new WebhookVerificationError('missing_header', `the ${name} header is missing`);
    }
  }
  if (!/^\d{1,12}$/.test(timestampText ?? '')) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not Unix seconds');
  }
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError(`toleranceSeconds must be ≥ 0, got ${tolerance}`);
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (timestamp < now - tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `webhook-timestamp is ${now - timestamp} s old (tolerance ${tolerance} s): a stale or replayed delivery`,
    );
  }
  if (timestamp > now + tolerance) {
    throw new WebhookVerificationError(
      'timestamp_in_future',
      `webhook-timestamp is ${timestamp - now} s ahead (tolerance ${tolerance} s): check the clock`,
    );
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  const entries = (signatures ?? '').split(' ').filter((entry) => entry !== '');
  let versioned = 0;
  let matched = false;
  for (const entry of entries) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    versioned += 1;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    // every entry is compared (no early exit), each in constant time
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (versioned === 0) {
    throw new WebhookVerificationError(
      'invalid_signature_header',
      'webhook-signature holds no v1,<base64> entry',
    );
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      'no webhook-signature entry matches: wrong secret, or the body was altered or re-serialised',
    );
  }
  let payload: T;
  try {
    payload = JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'the body is signed but is not JSON');
  }
  return { id: id ?? '', timestamp, payload };
}
