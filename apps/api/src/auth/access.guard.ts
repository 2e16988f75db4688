import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { ApiProblem, ProblemCode } from '../problem/problem.error';
import type { AccessRule } from './access.decorator';
import type { ApiKeyScope } from './api-key.util';
import { ACCESS_METADATA, RATE_LIMITER } from './auth.constants';
import type { RateLimitDecision, RateLimiter } from './rate-limiter';
import { Authenticator } from './authenticator.service';
import type { Principal } from './principal.types';

const RANK: Record<ApiKeyScope, number> = { read: 1, write: 2, admin: 3 };

/** A request that passed the guard carries its caller. */
export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/** Counts the request against its key: RateLimit-* headers on every answer, 429 past the limit. */
function rateLimitHeaders(reply: FastifyReply, limit: number, remaining: number, reset: number): void {
  void reply.header('ratelimit-limit', String(limit));
  void reply.header('ratelimit-remaining', String(remaining));
  void reply.header('ratelimit-reset', String(reset));
}

/**
 * Counts one request against `key`: RateLimit-* headers on the answer, and past the limit Retry-After and
 * the caller's 429 problem.
 */
export function takeRateLimit(
  limiter: RateLimiter,
  key: string,
  reply: FastifyReply,
  refusal: (decision: RateLimitDecision) => ApiProblem,
): void {
  const decision = limiter.take(key);
  rateLimitHeaders(reply, decision.limit, decision.remaining, decision.resetSeconds);
  if (!decision.allowed) {
    void reply.header('retry-after', String(decision.resetSeconds));
    throw refusal(decision);
  }
}

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
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
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
        : principal.kind === 'api_key'
          ? { actor: `key:${principal.keyId}`, keyPrefix: principal.prefix, tenantId: principal.tenantId }
          : { actor: `session:${principal.connectionId}`, tenantId: principal.tenantId },
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
      const holder = principal.kind === 'session' ? 'a session token' : 'this API key';
      throw new ApiProblem(ProblemCode.Forbidden, `${holder} lacks the ${needed} scope`, [
        { field: 'header.authorization', message: `scope ${needed} required` },
      ]);
    }
    if (principal.kind === 'api_key') this.count(principal.keyId, principal.prefix, context);
    if (principal.kind === 'session') {
      this.count(`session:${principal.connectionId}`, `session:${principal.connectionId}`, context);
    }
    request.principal = principal;
    return true;
  }

  private count(keyId: string, prefix: string, context: ExecutionContext): void {
    takeRateLimit(
      this.limiter,
      keyId,
      context.switchToHttp().getResponse<FastifyReply>(),
      (decision) =>
        new ApiProblem(
          ProblemCode.RateLimited,
          `API key ${prefix} made more than ${decision.limit} requests in its window; retry after ${decision.resetSeconds}s`,
          [{ field: 'header.authorization', message: 'rate limit exceeded' }],
        ),
    );
  }
}
