import { hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';

const ISSUER = 'fieldsync/session-manager';
const AUDIENCE = 'fieldsync';
/** How long after its expiry a token may still be exchanged by `POST /sessions/refresh`. */
export const REFRESH_GRACE_S = 15 * 60;

const claimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().min(1),
  sv: z.int().nonnegative(),
  typ: z.literal('fieldsync.session'),
  exp: z.int(),
});
export type SessionTokenClaims = z.infer<typeof claimsSchema>;

export class SessionTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionTokenError';
  }
}

/**
 * The `authToken` of `POST /sessions`: a short-lived JWT (HS256, jsonwebtoken) scoped to one tenant
 * and connection, carrying the session version it was issued for. It grants nothing at the vendor by
 * itself (the vendor session never leaves the platform). Its key is derived from the vault key with
 * HKDF, so no second secret has to be provisioned; rotating the vault key ends outstanding tokens,
 * which live an hour at most.
 */
@Injectable()
export class SessionTokenService {
  private readonly key: Buffer;

  constructor(@Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.FIELDSYNC_VAULT_KEY, Buffer.alloc(0), 'fieldsync.session-token.v1', 32),
    );
  }

  /** Signs a token that ends with the session or after SESSION_TOKEN_TTL, whichever is first. */
  issue(claims: { connectionId: string; tenantId: string; sessionVersion: number; sessionExpiresAt: Date }): {
    authToken: string;
    expiresIn: number;
  } {
    const nowS = Math.floor(Date.now() / 1000);
    const untilSession = Math.floor(claims.sessionExpiresAt.getTime() / 1000) - nowS;
    const expiresIn = Math.max(1, Math.min(Math.floor(this.config.SESSION_TOKEN_TTL / 1000), untilSession));
    const authToken = jwt.sign(
      { tid: claims.tenantId, sv: claims.sessionVersion, typ: 'fieldsync.session' },
      this.key,
      { algorithm: 'HS256', subject: claims.connectionId, issuer: ISSUER, audience: AUDIENCE, expiresIn },
    );
    return { authToken, expiresIn };
  }

  /** Verifies signature, issuer and audience; an expired token passes only within the refresh grace. */
  verifyForRefresh(token: string): SessionTokenClaims {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        ignoreExpiration: true,
      });
    } catch (error) {
      throw new SessionTokenError('authToken is not a valid fieldsync session token', { cause: error });
    }
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) throw new SessionTokenError('authToken is not a fieldsync session token');
    if (claims.data.exp + REFRESH_GRACE_S < Math.floor(Date.now() / 1000)) {
      throw new SessionTokenError('authToken expired too long ago to refresh; establish a new session');
    }
    return claims.data;
  }
}
