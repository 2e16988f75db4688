import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import type { AccessRule } from './access.decorator';
import type { ApiKeyScope } from './api-key.util';
import { ACCESS_METADATA } from './auth.constants';
import { Authenticator } from './authenticator.service';
import type { Principal } from './principal.types';

const RANK: Record<ApiKeyScope, number> = { read: 1, write: 2, admin: 3 };

/** A request that passed the guard carries its caller. */
export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/** Whether a key's scopes grant `needed` (admin ⊇ write ⊇ read). */
export function grants(scopes: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return scopes.some((scope) => RANK[scope] >= RANK[needed]);
}

/**
 * The global guard: a route marked with `@Access` needs a caller it accepts; the caller's key prefix
 * (never the key) joins the request's log lines. Unmarked routes are public.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticator.authenticate(request.headers.authorization);
    this.logger.assign(
      principal.kind === 'operator'
        ? { actor: 'operator' }
        : { actor: `key:${principal.keyId}`, keyPrefix: principal.prefix, tenantId: principal.tenantId },
    );
    if (principal.kind === 'operator') {
      if (!rule.operator) {
        throw new ApiProblem(
          ProblemCode.Forbidden,
          'the operator token manages API keys only: use an API key of the tenant',
        );
      }
    } else if (!rule.scope || !grants(principal.scopes, rule.scope)) {
      const needed = rule.scope ?? 'admin';
      throw new ApiProblem(ProblemCode.Forbidden, `this API key lacks the ${needed} scope`, [
        { field: 'header.authorization', message: `scope ${needed} required` },
      ]);
    }
    request.principal = principal;
    return true;
  }
}
