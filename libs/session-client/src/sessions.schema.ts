import { z } from 'zod';
import { sessionUserSchema } from './captured-session.schema';

/*
 * The wire contract of `fsm.sessions.<connection>.acquire | invalidate | status` (core NATS
 * request/reply through Nest's NATS transport). The connection is the subject's token, never a
 * payload field. Requests are `.strict()`: the session manager rejects an unknown field as
 * `bad_request`. Replies drop unknown fields, so a newer session manager may add one during a
 * rolling deploy without breaking older callers.
 */

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const SERVICE_NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;
export const CONNECTION_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Length in bytes of what a base64 string decodes to (the string is already known to be base64). */
function base64Length(value: string): number {
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return (value.length / 4) * 3 - padding;
}

/** Standard, padded base64 of exactly `bytes` bytes (or at least one byte when omitted). */
export function base64Schema(bytes?: number): z.ZodString {
  const what = bytes === undefined ? 'non-empty base64' : `base64 of exactly ${bytes} bytes`;
  return z
    .string({ error: `must be ${what}` })
    .regex(BASE64_RE, `must be ${what} (standard alphabet, padded)`)
    .refine((v) => (bytes === undefined ? v.length > 0 : base64Length(v) === bytes), `must be ${what}`);
}

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/** The calling service (`extractor`, `writer`): bound into the envelope, so only it can open the reply. */
export const serviceNameSchema = z
  .string({ error: 'must be a service name' })
  .regex(SERVICE_NAME_RE, 'must be a service name (a-z, 0-9, -; starting with a letter)');

export const connectionIdSchema = z
  .string({ error: 'must be a connection id' })
  .regex(CONNECTION_ID_RE, 'must be a connection id (A-Z a-z 0-9 _ -, at most 128)');

/** The requester's X25519 public key: base64 of the raw 32 bytes (RFC 7748). */
export const publicKeySchema = base64Schema(32);

export const sessionVersionSchema = z.int({ error: 'must be an integer' }).nonnegative();

/** At most one day: no vendor session lives longer, and a bigger value is a unit mistake. */
export const MAX_MIN_VALIDITY_MS = 24 * 3_600_000;

// ---------------------------------------------------------------------------------------------------
// Errors (every operation)

export const SESSION_ERROR_CODES = [
  'connection_not_found',
  'connection_disabled',
  'needs_attention',
  'login_failed',
  'mfa_timeout',
  'vendor_unavailable',
  'bad_request',
  'internal',
] as const;
export const sessionErrorCodeSchema = z.enum(SESSION_ERROR_CODES);
export type SessionErrorCode = z.infer<typeof sessionErrorCodeSchema>;

export const sessionErrorReplySchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: sessionErrorCodeSchema,
    /** Says what failed for whom; never a credential, a code or a cookie. */
    message: z.string(),
    retriable: z.boolean(),
  }),
});
export type SessionErrorReply = z.infer<typeof sessionErrorReplySchema>;

// ---------------------------------------------------------------------------------------------------
// acquire

export const acquireRequestSchema = z
  .object({
    requester: serviceNameSchema,
    publicKey: publicKeySchema,
    /** The session must stay valid at least this long after the reply (ms); a shorter one is refreshed first. */
    minValidityMs: z
      .int({ error: 'must be an integer number of milliseconds' })
      .min(0, 'must be at least 0')
      .max(MAX_MIN_VALIDITY_MS, `must be at most ${MAX_MIN_VALIDITY_MS} (one day)`)
      .optional(),
  })
  .strict();
export type AcquireRequest = z.infer<typeof acquireRequestSchema>;

/** `{ v: 1, epk, nonce, ciphertext, tag }`, all base64: see session-envelope.ts. */
export const sessionEnvelopeSchema = z
  .object({
    v: z.literal(1, { error: 'must be 1 (the only envelope version)' }),
    epk: base64Schema(32),
    nonce: base64Schema(12),
    ciphertext: base64Schema(),
    tag: base64Schema(16),
  })
  .strict();
export type SessionEnvelope = z.infer<typeof sessionEnvelopeSchema>;

export const acquireOkReplySchema = z.object({
  ok: z.literal(true),
  connectionId: connectionIdSchema,
  sessionVersion: sessionVersionSchema,
  /** When the session ends (the vendor's absolute lifetime, or sooner). */
  expiresAt: isoTime,
  /** Who the session acts as (not a secret; also inside the envelope). */
  user: sessionUserSchema,
  /** The CapturedSession, sealed for the requester's key, connection and this session version. */
  envelope: sessionEnvelopeSchema,
});
export type AcquireOkReply = z.infer<typeof acquireOkReplySchema>;

export const acquireReplySchema = z.discriminatedUnion('ok', [acquireOkReplySchema, sessionErrorReplySchema]);
export type AcquireReply = z.infer<typeof acquireReplySchema>;

// ---------------------------------------------------------------------------------------------------
// invalidate

/** Why a consumer gives a session back: the vendor answered 401 or 403, or an operator asked. */
export const invalidateReasonSchema = z.enum(['unauthorized', 'forbidden', 'manual']);
export type InvalidateReason = z.infer<typeof invalidateReasonSchema>;

export const invalidateRequestSchema = z
  .object({
    requester: serviceNameSchema,
    /** The version the caller saw fail: a newer session is left alone. Omitted: the current one. */
    sessionVersion: sessionVersionSchema.optional(),
    reason: invalidateReasonSchema,
  })
  .strict();
export type InvalidateRequest = z.infer<typeof invalidateRequestSchema>;

export const invalidateOkReplySchema = z.object({
  ok: z.literal(true),
  /** False when there was nothing to invalidate (no session, or already a newer version). */
  invalidated: z.boolean(),
});
export const invalidateReplySchema = z.discriminatedUnion('ok', [
  invalidateOkReplySchema,
  sessionErrorReplySchema,
]);
export type InvalidateReply = z.infer<typeof invalidateReplySchema>;

// ---------------------------------------------------------------------------------------------------
// status

export const statusRequestSchema = z.object({ requester: serviceNameSchema }).strict();
export type StatusRequest = z.infer<typeof statusRequestSchema>;

export const connectionStatusSchema = z.enum(['pending', 'active', 'needs_attention', 'disabled']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const sessionStateSchema = z.enum(['active', 'expired', 'invalid']);

export const sessionStatusSchema = z.object({
  state: sessionStateSchema,
  sessionVersion: sessionVersionSchema,
  expiresAt: isoTime.nullable(),
  lastRefreshedAt: isoTime.nullable(),
  lastCheckedAt: isoTime.nullable(),
  user: sessionUserSchema.nullable(),
});
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const statusOkReplySchema = z.object({
  ok: z.literal(true),
  connectionId: connectionIdSchema,
  connectionStatus: connectionStatusSchema,
  session: sessionStatusSchema.nullable(),
});
export type StatusOkReply = z.infer<typeof statusOkReplySchema>;

export const statusReplySchema = z.discriminatedUnion('ok', [statusOkReplySchema, sessionErrorReplySchema]);
export type StatusReply = z.infer<typeof statusReplySchema>;

/** `path: message` for each issue, never the received value (it may be a secret). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Codes a caller may retry later (the session manager says so per reply; this is its default). */
const RETRIABLE_CODES: ReadonlySet<SessionErrorCode> = new Set([
  'mfa_timeout',
  'vendor_unavailable',
  'internal',
]);

/** An error reply for any operation; `retriable` defaults by code (mfa_timeout, vendor_unavailable, internal). */
export function sessionErrorReply(
  code: SessionErrorCode,
  message: string,
  retriable = RETRIABLE_CODES.has(code),
): SessionErrorReply {
  return { ok: false, error: { code, message, retriable } };
}
