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

/**
 * A write Housecall Pro refused with a 4xx (not 401/403/429): the call, the status and the vendor's
 * body text (`{ error: { message } }`), which writes/write-errors.util.ts turns into the command's result.
 */
export class HousecallProWriteRefusal extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Housecall Pro ${call}: HTTP ${status} ${body.slice(0, 200)}`);
    this.name = 'HousecallProWriteRefusal';
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
    const response = await this.call(ctx, 'GET', path, target, undefined);
    const { status } = response;
    if (status !== 200) {
      const text = await response.text().catch(() => '');
      throw new HousecallProCallError(
        path,
        status,
        `Housecall Pro GET ${path}: HTTP ${status} ${text.slice(0, 200)}`,
      );
    }
    return this.json(response, 'GET', path);
  }

  /**
   * A write of the v1 API (`POST`/`PUT` with a JSON body; the session's `x-csrf-token` header goes
   * with it): the answer's JSON on a 2xx, a HousecallProWriteRefusal (status and the vendor's text) on a
   * 4xx the write maps to a result, the same VendorCallErrors as `get` for the rest.
   */
  async send(ctx: CallContext, method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
    const response = await this.call(ctx, method, path, path, JSON.stringify(body));
    const { status } = response;
    if (status < 200 || status >= 300) {
      const text = await response.text().catch(() => '');
      throw new HousecallProWriteRefusal(`${method} ${path}`, status, text);
    }
    return this.json(response, method, path);
  }

  private async call(
    ctx: CallContext,
    method: string,
    path: string,
    target: string,
    body: string | undefined,
  ): Promise<Response> {
    await ctx.pace?.();
    let response: Response;
    try {
      response = await sessionFetch(ctx.session, target, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new VendorCallError(
        { kind: 'unavailable', message: error instanceof Error ? error.message : String(error) },
        `Housecall Pro ${method} ${path}: the request failed`,
        { cause: error },
      );
    }
    const { status } = response;
    if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `Housecall Pro ${method} ${path}: HTTP ${status}, the session is gone`,
      );
    }
    if (status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), ctx.now()) ?? DEFAULT_RETRY_AFTER_MS;
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'rate_limited', retryAfterMs: wait },
        `Housecall Pro ${method} ${path}: HTTP 429`,
      );
    }
    if (status >= 500) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unavailable', status, message: `HTTP ${status}` },
        `Housecall Pro ${method} ${path}: HTTP ${status}`,
      );
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      await response.body?.cancel();
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `Housecall Pro ${method} ${path}: an HTML page instead of data, the session is gone`,
      );
    }
    return response;
  }

  private async json(response: Response, method: string, path: string): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new VendorCallError(
        { kind: 'unavailable', status: response.status, message: 'the answer is not JSON' },
        `Housecall Pro ${method} ${path}: the answer is not JSON`,
        { cause: error },
      );
    }
  }
}
