import { Inject, Injectable } from '@nestjs/common';
import {
  SessionTokenError,
  sessionTokenKey,
  signSessionToken,
  verifySessionToken,
  type SessionTokenClaims,
} from '@fieldsync/session-client';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';

export { SessionTokenError, type SessionTokenClaims };

/** How long after its expiry a token may still be exchanged by `POST /sessions/refresh`. */
export const REFRESH_GRACE_S = 15 * 60;

/**
 * Issues and checks the `authToken` of `POST /sessions` (libs/session-client `session-token`): its key
 * comes from FIELDSYNC_SESSION_TOKEN_SECRET, shared with the api that accepts the tokens, or from the vault
 * key when that is unset (then only this service can check them); rotating it ends outstanding tokens,
 * which live an hour at most.
 */
@Injectable()
export class SessionTokenService {
  private readonly key: Buffer;

  constructor(@Inject(SESSION_MANAGER_CONFIG) private readonly config: SessionManagerConfig) {
    this.key = sessionTokenKey(config.FIELDSYNC_SESSION_TOKEN_SECRET ?? config.FIELDSYNC_VAULT_KEY);
  }

  /** Signs a token that ends with the session or after SESSION_TOKEN_TTL, whichever is first. */
  issue(claims: { connectionId: string; tenantId: string; sessionVersion: number; sessionExpiresAt: Date }): {
    authToken: string;
    expiresIn: number;
  } {
    const nowS = Math.floor(Date.now() / 1000);
    const untilSession = Math.floor(claims.sessionExpiresAt.getTime() / 1000) - nowS;
    const expiresIn = Math.max(1, Math.min(Math.floor(this.config.SESSION_TOKEN_TTL / 1000), untilSession));
    return { authToken: signSessionToken(this.key, claims, expiresIn), expiresIn };
  }

  /** Verifies signature, issuer and audience; an expired token passes only within the refresh grace. */
  verifyForRefresh(token: string): SessionTokenClaims {
    return verifySessionToken(this.key, token, REFRESH_GRACE_S);
  }
}
