import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';

const REALM = 'fieldsync-mfa-relay';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token an `Authorization` header carries: `Bearer <token>`, or the password of `Basic <user:token>`. */
function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bearer = /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
  if (bearer !== undefined) return bearer;
  const basic = /^Basic +([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header)?.[1];
  if (basic === undefined) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * `POST /mfa/inbound` is for the SMS/e-mail provider only: it must present FIELDSYNC_MFA_RELAY_TOKEN,
 * as `Authorization: Bearer <token>` or, for providers that only do HTTP Basic auth in the webhook URL
 * (Twilio: `https://relay:<token>@host/mfa/inbound`), as the Basic password. Compared in constant time
 * (both sides hashed first, so the length does not leak either). Unset: the relay is closed (503).
 */
@Injectable()
export class MfaRelayTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(SESSION_MANAGER_CONFIG) config: SessionManagerConfig) {
    const token = config.FIELDSYNC_MFA_RELAY_TOKEN;
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new ServiceUnavailableException({
        error: 'mfa_relay_not_configured',
        message: 'the MFA relay accepts no messages: FIELDSYNC_MFA_RELAY_TOKEN is not set',
      });
    }
    const http = context.switchToHttp();
    const token = presentedToken(http.getRequest<FastifyRequest>().headers.authorization);
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      // Twilio sends its Basic credentials only after a 401 that carries a challenge with a realm.
      void http
        .getResponse<FastifyReply>()
        .header('www-authenticate', [`Bearer realm="${REALM}"`, `Basic realm="${REALM}"`]);
      throw new UnauthorizedException({
        error: 'unauthorized',
        message:
          'the MFA relay token is missing or wrong (Authorization: Bearer <FIELDSYNC_MFA_RELAY_TOKEN>)',
      });
    }
    return true;
  }
}
