import type { CapturedSession, SessionCookie } from './auth-flow.types';

/*
 * Data calls with a captured browser session, outside the browser: the cookies a browser would send
 * to that URL (RFC 6265 §5.4: domain, path, secure, expiry) plus the session's headers.
 */

/** RFC 6265 §5.1.3: a host-only cookie needs the exact host; a domain cookie also its subdomains. */
function domainMatches(cookieDomain: string, host: string): boolean {
  const domain = cookieDomain.toLowerCase();
  if (domain.startsWith('.')) {
    const bare = domain.slice(1);
    return host === bare || host.endsWith(domain);
  }
  return host === domain;
}

/** RFC 6265 §5.1.4. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (cookiePath === requestPath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** The cookies a browser would send with a request to `url`, longest path first (RFC 6265 §5.4). */
export function cookiesFor(
  cookies: readonly SessionCookie[],
  url: string | URL,
  now: number = Date.now(),
): SessionCookie[] {
  const target = new URL(url);
  const host = target.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const path = target.pathname === '' ? '/' : target.pathname;
  const secureChannel = target.protocol === 'https:';
  return cookies
    .filter(
      (c) =>
        domainMatches(c.domain, host) &&
        pathMatches(c.path === '' ? '/' : c.path, path) &&
        (!c.secure || secureChannel) &&
        (c.expires === -1 || c.expires * 1000 > now),
    )
    .map((cookie, index) => ({ cookie, index }))
    .sort((a, b) => b.cookie.path.length - a.cookie.path.length || a.index - b.index)
    .map(({ cookie }) => cookie);
}

/** The `Cookie` header for `url`, or undefined when no cookie applies. */
export function cookieHeaderFor(
  cookies: readonly SessionCookie[],
  url: string | URL,
  now: number = Date.now(),
): string | undefined {
  const matching = cookiesFor(cookies, url, now);
  return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** `pathOrUrl` made absolute against the session's portal (`/api/x` → `<portalUrl>/api/x`). */
export function sessionUrl(session: Pick<CapturedSession, 'portalUrl'>, pathOrUrl: string): URL {
  if (pathOrUrl.trim() === '') throw new TypeError('pathOrUrl: must not be empty');
  return new URL(pathOrUrl, session.portalUrl);
}

/**
 * `fetch` with the session: its cookies for that URL and its headers (the caller's `init.headers` win
 * over the session's, the `Cookie` header is always the session's). Redirects are not followed unless
 * `init.redirect` says so: a redirect would carry the session's cookies and tokens to wherever it
 * points, and a portal's redirect to its login page is an answer worth seeing (session over).
 */
export function sessionFetch(
  session: Pick<CapturedSession, 'portalUrl' | 'cookies' | 'headers'>,
  pathOrUrl: string,
  init: RequestInit = {},
): Promise<Response> {
  const url = sessionUrl(session, pathOrUrl);
  const headers = new Headers(session.headers);
  new Headers(init.headers).forEach((value, name) => headers.set(name, value));
  const cookie = cookieHeaderFor(session.cookies, url);
  if (cookie === undefined) headers.delete('cookie');
  else headers.set('cookie', cookie);
  return fetch(url, { redirect: 'manual', ...init, headers });
}
