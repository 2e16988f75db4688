import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { takeRateLimit } from '../auth/access.guard';
import { RATE_LIMITER } from '../auth/auth.constants';
import type { RateLimiter } from '../auth/rate-limiter';
import { API_CONFIG } from '../config/config.constants';
import type { ApiConfig } from '../config/api.config';
import { parseRequest } from '../problem/parse-request.util';
import { ApiProblem, ProblemCode, type ProblemField } from '../problem/problem.error';
import { establishSessionSchema, refreshSessionSchema, sessionSchema } from './sessions.schemas';

/** The session manager's refusals, as the api's problem codes. */
const CODE_OF_STATUS: Record<number, ProblemCode> = {
  400: ProblemCode.InvalidRequest,
  401: ProblemCode.Unauthorized,
  403: ProblemCode.Forbidden,
  404: ProblemCode.NotFound,
  409: ProblemCode.Conflict,
  429: ProblemCode.RateLimited,
  502: ProblemCode.VendorUnavailable,
  503: ProblemCode.VendorUnavailable,
  504: ProblemCode.VendorTimeout,
};

/** How long the api waits for the session manager (a login with an SMS code can take a minute or two). */
const UPSTREAM_TIMEOUT_MS = 180_000;

/**
 * `POST /sessions` and `POST /sessions/refresh` of the product pages, reachable at the api: validated
 * here, carried out by the session manager (SESSION_MANAGER_URL), which proves the credentials against
 * the connection's (a mismatch never reaches the vendor), logs in or reuses the platform's session and
 * signs the short-lived `authToken`. The api then accepts that token for the one connection.
 */
@Controller('sessions')
export class SessionsController {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  @Post()
  @HttpCode(200)
  async establish(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    this.count(request, reply);
    const input = parseRequest(establishSessionSchema, body ?? {}, 'body');
    return this.forward('/sessions', input, undefined, reply);
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Req() request: FastifyRequest,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    this.count(request, reply);
    const input = parseRequest(refreshSessionSchema, body ?? {}, 'body');
    const bearer = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization ?? '')?.[1];
    if (bearer === undefined && input.authToken === undefined) {
      throw new ApiProblem(ProblemCode.Unauthorized, 'send the authToken as Authorization: Bearer', [
        { field: 'header.authorization', message: 'the session token to refresh' },
      ]);
    }
    return this.forward('/sessions/refresh', input, bearer, reply);
  }

  /** Credentials are guessed nowhere for free: each client address has the API key's request budget. */
  private count(request: FastifyRequest, reply: FastifyReply): void {
    takeRateLimit(
      this.limiter,
      `sessions:${request.ip}`,
      reply,
      (decision) =>
        new ApiProblem(
          ProblemCode.RateLimited,
          `too many session requests from this address; retry after ${decision.resetSeconds}s`,
        ),
    );
  }

  private async forward(path: string, body: unknown, bearer: string | undefined, reply: FastifyReply) {
    const base = this.config.SESSION_MANAGER_URL;
    if (base === undefined) {
      throw new ApiProblem(
        ProblemCode.Unavailable,
        'sessions are not served by this deployment (SESSION_MANAGER_URL is not set)',
      );
    }
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch {
      throw new ApiProblem(ProblemCode.Unavailable, 'the session manager could not be reached');
    }
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return sessionSchema.parse(answer);
    const retryAfter = answer['retryAfter'];
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    const message =
      typeof answer['message'] === 'string' ? answer['message'] : `session manager answered ${res.status}`;
    const issues = Array.isArray(answer['issues'])
      ? (answer['issues'] as { path: string; message: string }[])
      : [];
    const errors: ProblemField[] = issues.map((i) => ({ field: `body.${i.path}`, message: i.message }));
    const code = CODE_OF_STATUS[res.status] ?? ProblemCode.Internal;
    if (typeof answer['error'] === 'string' && errors.length === 0) {
      errors.push({ field: 'body', message: answer['error'] });
    }
    throw new ApiProblem(code, message, errors);
  }
}
