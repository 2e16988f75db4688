import type { BrowserContext } from 'playwright-core';
import type { SessionCookie } from './auth-flow.types';

type BrowserCookie = Awaited<ReturnType<BrowserContext['cookies']>>[number];

/** A Playwright cookie in the contract's shape (only the fields the contract stores). */
export function toSessionCookie(cookie: BrowserCookie): SessionCookie {
  return {
    name: cookie.name,
    value: cookie.value,
    domain: cookie.domain,
    path: cookie.path,
    expires: cookie.expires,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
  };
}

/** The cookies the browser context would send to `url` (the portal's), in the contract's shape. */
export async function sessionCookiesOf(context: BrowserContext, url: string): Promise<SessionCookie[]> {
  return (await context.cookies(url)).map(toSessionCookie);
}
