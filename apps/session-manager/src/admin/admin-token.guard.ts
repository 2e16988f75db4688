import { timingSafeEqual, createHash } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The operators' API (connections, tenants): `Authorization: Bearer <FIELDSYNC_ADMIN_TOKEN>` when the
 * variable is set (compared in constant time). Unset, the API is open: development only; the service
 * warns at boot.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(SESSION_MANAGER_CONFIG) config: SessionManagerConfig) {
    this.expected =
      config.FIELDSYNC_ADMIN_TOKEN === undefined ? undefined : digest(config.FIELDSYNC_ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      throw new UnauthorizedException({
        error: 'unauthorized',
        message: 'admin token required (Authorization: Bearer)',
      });
    }
    return true;
  }
}
