import { sessionFetch, VendorCallError, type SyncContext } from '@fieldsync/connector-kit';

/** What a call needs of a SyncContext or a WriteContext. */
export type CallContext = Pick<SyncContext, 'session' | 'signal' | 'now' | 'pace'>;

/** Wait when a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/** A non-success answer that is not about the session, the limit or the vendor's health (a wrong call). */
export class HousecallProCallError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HousecallProCallError';
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

/**
 * Calls of Housecall Pro's v1 API (shared/reference/openapi/housecall-pro/housecall-v1.yaml) with the
 * connection's pro web app session: `sessionFetch` adds its cookies and headers, `ctx.pace` is awaited
 * before each request. Failures the vendor-call policy handles are VendorCallErrors: 401/403 or a
 * redirect (to the login page) → unauthorized; 429 → rate_limited with its Retry-After; 5xx and network
 * errors → unavailable. Messages carry the path and the status only: never a cookie, token or header.
 */
export class HousecallProClient {
  async get(ctx: CallContext, path: string, query: Readonly<Record<string, string>> = {}): Promise<unknown> {
    const search = new URLSearchParams(query).toString();
    const target = search === '' ? path : `${path}?${search}`;
    await ctx.pace?.();
    let response: Response;
    try {
      response = await sessionFetch(ctx.session, target, {
        method: 'GET',
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new VendorCallError(
        { kind: 'unavailable', message: error instanceof Error ? error.message : String(error) },
        `Housecall Pro GET ${path}: the request failed`,
        { cause: error },
      );
    }
    const { status } = response;
    if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `Housecall Pro GET ${path}: HTTP ${status}, the session is gone`,
      );
    }
    if (status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), ctx.now()) ?? DEFAULT_RETRY_AFTER_MS;
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'rate_limited', retryAfterMs: wait },
        `Housecall Pro GET ${path}: HTTP 429`,
      );
    }
    if (status >= 500) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unavailable', status, message: `HTTP ${status}` },
        `Housecall Pro GET ${path}: HTTP ${status}`,
      );
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `Housecall Pro GET ${path}: an HTML page instead of data, the session is gone`,
      );
    }
    if (status !== 200) {
      const text = await response.text().catch(() => '');
      throw new HousecallProCallError(
        path,
        status,
        `Housecall Pro GET ${path}: HTTP ${status} ${text.slice(0, 200)}`,
      );
    }
    try {
      return await response.json();
    } catch (error) {
      throw new VendorCallError(
        { kind: 'unavailable', status, message: 'the answer is not JSON' },
        `Housecall Pro GET ${path}: the answer is not JSON`,
        { cause: error },
      );
    }
  }
}
