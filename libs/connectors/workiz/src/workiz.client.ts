import { sessionFetch, VendorCallError, type SyncContext } from '@fieldsync/connector-kit';
import { WORKIZ_INTEGRATIONS_PATH } from './workiz.auth-flow';
import {
  workizApiErrorSchema,
  workizIntegrationsSchema,
  workizWebErrorSchema,
  type WorkizIntegrations,
} from './workiz.schemas';

/** What a call needs of a SyncContext or a WriteContext. */
export type CallContext = Pick<SyncContext, 'session' | 'signal' | 'now' | 'pace'>;

/** Wait when a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/**
 * A non-success answer that is not about the session, the limit or the vendor's health: a wrong call, or
 * a write the vendor refused (`msg`/`error` and the `field` it names, when it names one).
 */
export class WorkizCallError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    message: string,
    readonly vendorMessage: string | null = null,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'WorkizCallError';
  }
}

/** `Retry-After` in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when unusable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** The Developer API credentials and the account's zone, as Settings → Integrations shows them. */
export interface WorkizApiAccess {
  readonly token: string;
  readonly secret: string;
  readonly timezone: string;
}

/** Where a path goes: the Developer API (token in the path) or the web app's own JSON. */
type Surface = 'api' | 'web';

/** How long Settings → Integrations is trusted before it is read again. */
const ACCESS_REUSE_MS = 10 * 60_000;

/**
 * Calls of Workiz with the connection's web app session: the Developer API
 * (shared/reference/openapi/workiz/workiz-openapi.yml), `/api/v1/<token>/…`, and the web app's own JSON
 * (`/ajaxc/…`) for what the API lacks. `sessionFetch` adds the session's cookies and CSRF header;
 * `ctx.pace` is awaited before each request.
 *
 * The API token and secret are what the logged-in user sees in Settings → Integrations: read with the
 * session at the first API call and kept in memory per session (never logged, never in an error; a 401
 * forgets them, so a token rotated by the vendor is read again after the session is renewed).
 *
 * Failures the vendor-call policy handles are VendorCallErrors: 401/403 or a redirect or an HTML page (the
 * login page) → unauthorized; 429 → rate_limited with its Retry-After; 5xx and network errors →
 * unavailable. Other refusals are WorkizCallErrors with Workiz's message. Messages carry the path without
 * the token and the status only.
 */
export class WorkizClient {
  private readonly access = new Map<string, { access: WorkizApiAccess; at: number }>();

  /** The API token, secret and account zone of the session's account. */
  async apiAccess(ctx: CallContext): Promise<WorkizApiAccess> {
    const key = sessionKey(ctx);
    const cached = this.access.get(key);
    if (cached && Date.now() - cached.at < ACCESS_REUSE_MS) return cached.access;
    const body = await this.request(ctx, 'web', 'GET', WORKIZ_INTEGRATIONS_PATH, {});
    const parsed = workizIntegrationsSchema.safeParse(body);
    if (!parsed.success) {
      throw new WorkizCallError(
        WORKIZ_INTEGRATIONS_PATH,
        200,
        `Workiz GET ${WORKIZ_INTEGRATIONS_PATH}: not the integrations page (${parsed.error.issues
          .map((i) => i.path.join('.'))
          .join(', ')})`,
      );
    }
    const access = accessOf(parsed.data);
    if (this.access.size > 1_000) this.access.clear();
    this.access.set(key, { access, at: Date.now() });
    return access;
  }

  /** `GET /api/v1/<token>/<path>` (path without the token, e.g. `/job/all/`). */
  async apiGet(
    ctx: CallContext,
    path: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<unknown> {
    return this.request(ctx, 'api', 'GET', path, query);
  }

  /** `POST /api/v1/<token>/<path>` with `auth_secret` added to the JSON body. */
  async apiPost(ctx: CallContext, path: string, body: Readonly<Record<string, unknown>>): Promise<unknown> {
    return this.request(ctx, 'api', 'POST', path, {}, body);
  }

  /** `GET /ajaxc/…` of the web app. */
  async webGet(
    ctx: CallContext,
    path: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<unknown> {
    return this.request(ctx, 'web', 'GET', path, query);
  }

  /** `POST /ajaxc/…` of the web app (JSON, the session's CSRF header). */
  async webPost(ctx: CallContext, path: string, body: Readonly<Record<string, unknown>>): Promise<unknown> {
    return this.request(ctx, 'web', 'POST', path, {}, body);
  }

  private async request(
    ctx: CallContext,
    surface: Surface,
    method: 'GET' | 'POST',
    path: string,
    query: Readonly<Record<string, string>>,
    body?: Readonly<Record<string, unknown>>,
  ): Promise<unknown> {
    const access = surface === 'api' ? await this.apiAccess(ctx) : undefined;
    const search = new URLSearchParams(query).toString();
    const base = access ? `/api/v1/${encodeURIComponent(access.token)}${path}` : path;
    const target = search === '' ? base : `${base}?${search}`;
    const what = `Workiz ${method} ${surface === 'api' ? `/api/v1/…${path}` : path}`;
    const payload = body === undefined ? undefined : access ? { ...body, auth_secret: access.secret } : body;
    await ctx.pace?.();
    let response: Response;
    try {
      response = await sessionFetch(ctx.session, target, {
        method,
        headers: {
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        redirect: 'manual',
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new VendorCallError(
        { kind: 'unavailable', message: error instanceof Error ? error.message : String(error) },
        `${what}: the request failed`,
        { cause: error },
      );
    }
    const { status } = response;
    if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
      await response.body?.cancel();
      this.access.delete(sessionKey(ctx));
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `${what}: HTTP ${status}, the session is gone`,
      );
    }
    if (status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), ctx.now()) ?? DEFAULT_RETRY_AFTER_MS;
      await response.body?.cancel();
      throw new VendorCallError({ kind: 'rate_limited', retryAfterMs: wait }, `${what}: HTTP 429`);
    }
    if (status >= 500) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unavailable', status, message: `HTTP ${status}` },
        `${what}: HTTP ${status}`,
      );
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `${what}: an HTML page instead of data, the session is gone`,
      );
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new VendorCallError(
        { kind: 'unavailable', status, message: 'the answer is not JSON' },
        `${what}: the answer is not JSON`,
        { cause: error },
      );
    }
    if (status !== 200) {
      const apiError = workizApiErrorSchema.safeParse(json);
      const webError = workizWebErrorSchema.safeParse(json);
      const message = apiError.success
        ? apiError.data.msg
        : webError.success
          ? webError.data.error
          : JSON.stringify(json).slice(0, 200);
      throw new WorkizCallError(
        path,
        status,
        `${what}: HTTP ${status} ${message}`,
        message,
        webError.success ? (webError.data.field ?? null) : null,
      );
    }
    return json;
  }
}

function sessionKey(ctx: CallContext): string {
  return `${ctx.session.portalUrl}|${ctx.session.user.id}|${ctx.session.establishedAt}`;
}

function accessOf(page: WorkizIntegrations): WorkizApiAccess {
  return {
    token: page.developer_api.api_token,
    secret: page.developer_api.api_secret,
    timezone: page.account.timezone,
  };
}
