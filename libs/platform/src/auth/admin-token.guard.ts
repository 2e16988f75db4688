import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Injection token of the admin bearer token (FIELDSYNC_ADMIN_TOKEN), `undefined` when unset. */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The operators' HTTP APIs (session-manager connections, webhook-dispatcher endpoints):
 * `Authorization: Bearer <FIELDSYNC_ADMIN_TOKEN>` when the variable is set, compared in constant time
 * (both sides hashed first, so the length leaks nothing either). Unset, the API is open: development
 * only, and the service warns at boot. Provide `{ provide: ADMIN_TOKEN, useValue: config.FIELDSYNC_ADMIN_TOKEN }`.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(ADMIN_TOKEN) token: string | undefined) {
    this.expected = token === undefined ? undefined : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      throw new UnauthorizedException({
        error: 'unauthorized',
        message: 'admin token required (Authorization: Bearer <FIELDSYNC_ADMIN_TOKEN>)',
      });
    }
    return true;
  }
}
