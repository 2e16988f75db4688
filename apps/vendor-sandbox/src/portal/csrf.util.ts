import { createHmac } from 'node:crypto';
import { randomToken } from './random-token.util';
import { safeEqual } from './safe-equal.util';

/**
 * CSRF tokens for the pre-session forms (login, MFA, IdP): the browser holds a random pre-session
 * id in an HttpOnly cookie and the form carries HMAC(key, purpose + id) in a hidden field. A
 * request is accepted only when the field matches the cookie's id, so a token copied from another
 * browser, another form or made up is refused (signed double-submit, no server state).
 */
export class Csrf {
  constructor(private readonly key: Buffer) {}

  /** A fresh pre-session id (the cookie's value). */
  newPreSession(): string {
    return randomToken();
  }

  tokenFor(preSessionId: string, purpose: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${preSessionId}`).digest('base64url');
  }

  verify(preSessionId: string | undefined, purpose: string, token: unknown): boolean {
    if (preSessionId === undefined || preSessionId === '' || typeof token !== 'string' || token === '')
      return false;
    return safeEqual(this.tokenFor(preSessionId, purpose), token);
  }
}
