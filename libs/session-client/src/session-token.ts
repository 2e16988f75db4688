import { hkdfSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

/**
 * The `authToken` of `POST /sessions`: a short-lived JWT (HS256, jsonwebtoken) scoped to one tenant and
 * connection, carrying the session version it was issued for. The session manager signs it; the api
 * accepts it as a credential limited to that connection. It grants nothing at the vendor by itself (the
 * vendor session never leaves the platform). The HMAC key is derived with HKDF from the deployment's
 * FIELDSYNC_SESSION_TOKEN_SECRET (the session manager falls back to its vault key when unset).
 */
const ISSUER = 'fieldsync/session-manager';
const AUDIENCE = 'fieldsync';

export const sessionTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().min(1),
  sv: z.int().nonnegative(),
  typ: z.literal('fieldsync.session'),
  exp: z.int(),
});
export type SessionTokenClaims = z.infer<typeof sessionTokenClaimsSchema>;

/** `POST /sessions`: the connection's portal credentials, and the MFA code when the caller has one. */
export const establishSessionBodySchema = z.strictObject({
  connectionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a connection id'),
  username: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  mfa: z
    .strictObject({
      type: z.enum(['totp', 'sms', 'email']),
      code: z
        .string()
        .regex(/^\d{4,8}$/, 'must be the 4-8 digit code')
        .optional(),
    })
    .optional(),
});

/** `POST /sessions/refresh`: the token in the body when not sent as `Authorization: Bearer`. */
export const refreshSessionBodySchema = z.strictObject({ authToken: z.string().min(1).max(4096).optional() });

export class SessionTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionTokenError';
  }
}

/** The HMAC key of session tokens, derived from the deployment's secret material. */
export function sessionTokenKey(material: Buffer | string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'fieldsync.session-token.v1', 32));
}

/** Whether a bearer has the shape of a JWT (three base64url parts), so it is not taken for an API key. */
export function looksLikeSessionToken(bearer: string): boolean {
  return /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(bearer);
}

export function signSessionToken(
  key: Buffer,
  claims: { connectionId: string; tenantId: string; sessionVersion: number },
  expiresInSeconds: number,
): string {
  return jwt.sign({ tid: claims.tenantId, sv: claims.sessionVersion, typ: 'fieldsync.session' }, key, {
    algorithm: 'HS256',
    subject: claims.connectionId,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: expiresInSeconds,
  });
}

/**
 * Verifies signature, algorithm, issuer and audience. An expired token is refused, except within
 * `graceSeconds` after its expiry (the refresh exchange); a token that does not parse as ours is refused
 * with a message that never repeats it.
 */
export function verifySessionToken(key: Buffer, token: string, graceSeconds = 0): SessionTokenClaims {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      ignoreExpiration: true,
    });
  } catch (error) {
    throw new SessionTokenError('authToken is not a valid fieldsync session token', { cause: error });
  }
  const claims = sessionTokenClaimsSchema.safeParse(decoded);
  if (!claims.success) throw new SessionTokenError('authToken is not a fieldsync session token');
  if (claims.data.exp + graceSeconds < Math.floor(Date.now() / 1000)) {
    throw new SessionTokenError(
      graceSeconds > 0
        ? 'authToken expired too long ago to refresh; establish a new session'
        : 'authToken has expired: refresh it with POST /sessions/refresh',
    );
  }
  return claims.data;
}
