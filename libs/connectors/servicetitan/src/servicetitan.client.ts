import { VendorCallError, sessionFetch, type SyncContext } from '@fieldsync/connector-kit';
import { problemToWriteError, type FieldMap } from './writes/write-errors.util';

/** What a call needs of a SyncContext or a WriteContext. */
export type CallContext = Pick<SyncContext, 'session' | 'signal' | 'now' | 'pace'>;

/** When a 429 carries no usable `Retry-After`: ServiceTitan's limit is per second, so one second. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * `Retry-After` in milliseconds from `now`: delta-seconds (`2`) or an HTTP date (RFC 9110 §10.2.3);
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Calls of ServiceTitan's v2 API (`/{module}/v2/tenant/{tenant}/…`) with the connection's portal
 * session; the tenant is the one the session works in (`CapturedSession.account`, learnt at login). A failure the extractor's policy handles is thrown as `VendorCallError` (401/403, a
 * redirect or an HTML page → unauthorized; 429 → rate_limited with Retry-After; 5xx and network
 * errors → unavailable); any other non-2xx is a plain Error naming the call and the vendor's problem.
 * Messages carry the path and status only: never a cookie, token or header.
 */
export class ServiceTitanClient {
  /** `/{module}/v2/tenant/{tenant}/{resource}` for the session's tenant. */
  path(ctx: Pick<CallContext, 'session'>, module: string, resource: string): string {
    const tenant = ctx.session.account?.id;
    if (tenant === undefined || !/^\d+$/.test(tenant)) {
      // A session from before the login learnt the tenant: a new login (the extractor's 401 path) fixes it.
      throw new VendorCallError(
        { kind: 'unauthorized', status: 401 },
        'ServiceTitan: the session does not name its tenant; a new login is needed',
      );
    }
    return `/${module}/v2/tenant/${tenant}/${resource}`;
  }

  async get(
    ctx: CallContext,
    module: string,
    resource: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<unknown> {
    return this.call(ctx, 'GET', module, resource, { query });
  }

  /**
   * A write (POST/PUT/PATCH) with a JSON body. The same failures as `get` are VendorCallErrors; a
   * 400/404/409 problem answer is the vendor's refusal: a VendorWriteError whose `field` is the command's
   * field (`fields`: vendor request field → command field) and `vendorCode` the problem's code or title.
   * Answers without a body (ServiceTitan's 200 on `complete`, `hold`, `cancel`) resolve to null.
   */
  async post(ctx: CallContext, module: string, resource: string, body: unknown, fields: FieldMap = {}) {
    return this.call(ctx, 'POST', module, resource, { body, fields });
  }

  async put(ctx: CallContext, module: string, resource: string, body: unknown, fields: FieldMap = {}) {
    return this.call(ctx, 'PUT', module, resource, { body, fields });
  }

  async patch(ctx: CallContext, module: string, resource: string, body: unknown, fields: FieldMap = {}) {
    return this.call(ctx, 'PATCH', module, resource, { body, fields });
  }

  private async call(
    ctx: CallContext,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    module: string,
    resource: string,
    options: { query?: Readonly<Record<string, string>>; body?: unknown; fields?: FieldMap },
  ): Promise<unknown> {
    const path = this.path(ctx, module, resource);
    const search = new URLSearchParams(options.query ?? {}).toString();
    const target = search === '' ? path : `${path}?${search}`;
    const call = `ServiceTitan ${method} ${path}`;
    const write = method !== 'GET';
    let res: Response;
    await ctx.pace?.();
    try {
      res = await sessionFetch(ctx.session, target, {
        method,
        headers: write
          ? { accept: 'application/json', 'content-type': 'application/json' }
          : { accept: 'application/json' },
        ...(write ? { body: JSON.stringify(options.body ?? {}) } : {}),
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new VendorCallError({ kind: 'unavailable', message }, `${call}: ${message}`, { cause: error });
    }
    const { status } = res;
    if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
      await res.body?.cancel();
      throw new VendorCallError({ kind: 'unauthorized', status }, `${call}: ${status}, the session is gone`);
    }
    if (status === 429) {
      await res.body?.cancel();
      const wait = retryAfterMs(res.headers.get('retry-after'), ctx.now()) ?? DEFAULT_RETRY_AFTER_MS;
      throw new VendorCallError(
        { kind: 'rate_limited', retryAfterMs: wait },
        `${call}: 429, retry after ${wait} ms`,
      );
    }
    if (status >= 500) {
      await res.body?.cancel();
      throw new VendorCallError(
        { kind: 'unavailable', status, message: `HTTP ${status}` },
        `${call}: ${status}`,
      );
    }
    if (write && (status === 400 || status === 404 || status === 409 || status === 422)) {
      throw problemToWriteError(call, status, await res.text(), options.fields ?? {});
    }
    if (!res.ok) throw new Error(`${call}: ${status} ${problemSummary(await res.text())}`);
    const type = res.headers.get('content-type') ?? '';
    if (write && (status === 204 || res.headers.get('content-length') === '0')) {
      await res.body?.cancel();
      return null;
    }
    if (!type.includes('json')) {
      await res.body?.cancel();
      // A portal answers an API call with its login page when the session is over.
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `${call}: ${status} with ${type || 'no content type'} instead of JSON`,
      );
    }
    return await res.json();
  }
}

/** `title` and `errors` of a ServiceTitan problem body, or the start of the text. */
function problemSummary(text: string): string {
  try {
    const body = JSON.parse(text) as { title?: unknown; errors?: unknown };
    const title = typeof body.title === 'string' ? body.title : '';
    return `${title} ${JSON.stringify(body.errors ?? {})}`.trim();
  } catch {
    return text.slice(0, 200);
  }
}
