import { sessionFetch, VendorCallError, type SyncContext } from '@fieldsync/connector-kit';

/** What a call needs of a SyncContext or a WriteContext. */
export type CallContext = Pick<SyncContext, 'session' | 'signal' | 'now' | 'pace'>;

const LOGIN_PATH = '/Account/Login';

function retryAfterMs(header: string | null, now: Date): number {
  if (header === null) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : 1_000;
}

/**
 * TOM's pages with the connection's portal session: `sessionFetch` adds its cookies, `ctx.pace` is awaited
 * before each request. A redirect to the sign-in page, 401 or 403 is the session gone (unauthorized); 429
 * rate_limited with its Retry-After; 5xx and network errors unavailable. Messages carry the path and the
 * status only: never a cookie or token.
 */
export class TomClient {
  /** The page's HTML, or null for a 404 (a record gone between the grid and its detail page). */
  async getPage(
    ctx: CallContext,
    path: string,
    query: Readonly<Record<string, string>> = {},
  ): Promise<string | null> {
    const search = new URLSearchParams(query).toString();
    const target = search === '' ? path : `${path}?${search}`;
    const response = await this.send(ctx, target, { method: 'GET', headers: { accept: 'text/html' } });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    this.failUnlessOk(response, `GET ${path}`, ctx);
    return response.text();
  }

  /**
   * Posts a form (urlencoded) and returns where TOM sent the browser (303 Location) or the re-rendered
   * form (400/404 with its messages).
   */
  async postForm(
    ctx: CallContext,
    path: string,
    fields: Readonly<Record<string, string>>,
  ): Promise<{ readonly location: string } | { readonly status: number; readonly html: string }> {
    const response = await this.send(ctx, path, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const location = response.headers.get('location');
    if (response.status === 303 && location !== null && !location.startsWith(LOGIN_PATH)) {
      await response.body?.cancel();
      return { location };
    }
    if (response.status === 400 || response.status === 404) {
      return { status: response.status, html: await response.text() };
    }
    this.failUnlessOk(response, `POST ${path}`, ctx);
    return { status: response.status, html: await response.text() };
  }

  private async send(ctx: CallContext, target: string, init: RequestInit): Promise<Response> {
    await ctx.pace?.();
    try {
      return await sessionFetch(ctx.session, target, { ...init, signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const path = target.split('?')[0] ?? target;
      throw new VendorCallError(
        { kind: 'unavailable', message: `${init.method ?? 'GET'} ${path} failed` },
        `Total Office Manager: ${init.method ?? 'GET'} ${path} failed (${error instanceof Error ? error.name : 'error'})`,
        { cause: error },
      );
    }
  }

  private failUnlessOk(response: Response, what: string, ctx: CallContext): void {
    const status = response.status;
    if (status === 200) return;
    void response.body?.cancel();
    const location = response.headers.get('location') ?? '';
    if (
      status === 401 ||
      status === 403 ||
      (status >= 300 && status < 400 && location.startsWith(LOGIN_PATH))
    ) {
      throw new VendorCallError(
        { kind: 'unauthorized', status },
        `Total Office Manager: ${what} answered ${status} (signed out)`,
      );
    }
    if (status === 429) {
      throw new VendorCallError(
        { kind: 'rate_limited', retryAfterMs: retryAfterMs(response.headers.get('retry-after'), ctx.now()) },
        `Total Office Manager: ${what} answered 429`,
      );
    }
    throw new VendorCallError(
      { kind: 'unavailable', status, message: `${what} answered ${status}` },
      `Total Office Manager: ${what} answered ${status}`,
    );
  }
}
