import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG } from '../config/config.constants';
import type { ApiConfig } from '../config/api.config';
import { ApiProblem, ProblemCode, type ProblemField } from '../problem/problem.error';

/** How long the api waits for the dispatcher's operator API (it answers from Postgres). */
const UPSTREAM_TIMEOUT_MS = 15_000;

/** An id the api puts in a dispatcher path: one plain segment, never `..` or a slash. */
const PATH_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface DispatcherAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The webhook dispatcher's operator API (`/tenants/:tenantId/endpoints`, `/tenants/:tenantId/messages`),
 * called for the tenant of the caller's API key with the operators' token: the integrator never names a
 * tenant, so another tenant's endpoint or message is not found (404) as everywhere in the api. The
 * dispatcher's refusals come back as problem details naming the field (`body.url`, `query.limit`).
 */
@Injectable()
export class WebhookDispatcherClient {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** `what` names the resource in a 404 (`webhook endpoint ep_…`); ids in `path` are checked first. */
  async call(input: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    tenantId: string;
    path: readonly string[];
    query?: Record<string, string | undefined>;
    body?: unknown;
    part: 'body' | 'query';
    what: string;
  }): Promise<DispatcherAnswer> {
    const base = this.config.WEBHOOK_DISPATCHER_URL;
    if (base === undefined) {
      throw new ApiProblem(
        ProblemCode.Unavailable,
        'webhook endpoints are not served by this deployment (WEBHOOK_DISPATCHER_URL is not set)',
      );
    }
    if (input.path.some((segment) => !PATH_ID.test(segment))) throw ApiProblem.notFound(input.what);
    const url = new URL(
      ['tenants', input.tenantId, ...input.path].map((s) => encodeURIComponent(s)).join('/'),
      base.endsWith('/') ? base : `${base}/`,
    );
    for (const [name, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const token = this.config.FIELDSYNC_ADMIN_TOKEN;
    let res: Response;
    try {
      res = await fetch(url, {
        method: input.method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch {
      throw new ApiProblem(ProblemCode.Unavailable, 'the webhook dispatcher could not be reached');
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
    } catch {
      body = undefined;
    }
    if (res.ok) return { status: res.status, body };
    if (res.status === 404) throw ApiProblem.notFound(input.what);
    const answer = (body ?? {}) as { message?: unknown; issues?: unknown };
    if (res.status === 400) {
      const issues = Array.isArray(answer.issues)
        ? (answer.issues as { field: string; message: string }[])
        : [];
      const errors: ProblemField[] = issues.map((i) => ({
        field: i.field === 'body' ? input.part : `${input.part}.${i.field}`,
        message: i.message,
      }));
      const message = typeof answer.message === 'string' ? answer.message : 'invalid request';
      throw new ApiProblem(
        ProblemCode.InvalidRequest,
        message,
        errors.length > 0 ? errors : [{ field: input.part, message }],
      );
    }
    // 401/403 from the dispatcher is the deployment's token mismatch, not the caller's fault
    throw new ApiProblem(
      ProblemCode.Unavailable,
      `the webhook dispatcher answered ${res.status}${res.status === 401 ? ' (FIELDSYNC_ADMIN_TOKEN differs between api and dispatcher)' : ''}`,
    );
  }
}
