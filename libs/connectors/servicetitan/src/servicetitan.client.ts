import { VendorCallError, sessionFetch, type SyncContext } from '@fieldsync/connector-kit';

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
 * GETs of ServiceTitan's v2 API (`/{module}/v2/tenant/{tenant}/…`) with the connection's portal
 * session; the tenant is the one the session works in (`CapturedSession.account`, learnt at login). A failure the extractor's policy handles is thrown as `VendorCallError` (401/403, a
 * redirect or an HTML page → unauthorized; 429 → rate_limited with Retry-After; 5xx and network
 * errors → unavailable); any other non-2xx is a plain Error naming the call and the vendor's problem.
 * Messages carry the path and status only: never a cookie, token or header.
 */
export class ServiceTitanClient {
  /** `/{module}/v2/tenant/{tenant}/{resource}` for the session's tenant. */
  path(ctx: Pick<SyncContext, 'session'>, module: string, resource: string): string {
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
    ctx: SyncContext,
    module: string,
    resource: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<unknown> {
    const path = this.path(ctx, module, resource);
    const search = new URLSearchParams(query).toString();
    const target = search === '' ? path : `${path}?${search}`;
    const call = `ServiceTitan GET ${path}`;
    let res: Response;
    try {
      res = await sessionFetch(ctx.session, target, {
        headers: { accept: 'application/json' },
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
    if (!res.ok) throw new Error(`${call}: ${status} ${problemSummary(await res.text())}`);
    const type = res.headers.get('content-type') ?? '';
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
