import type { Page } from 'playwright-core';
import type { CapturedSession } from '../auth/auth-flow.types';
import type { BrowserPool } from './browser-pool';

/**
 * Runs `fn` with a page of a fresh browser context of `pool` that holds the session's cookies, as the
 * browser that logged in held them: the vendor's web app opens logged in (WriteContext.portal). The
 * context is closed when `fn` settles or `signal` aborts.
 */
export function withSessionPage<R>(
  pool: BrowserPool,
  session: Pick<CapturedSession, 'cookies'>,
  fn: (page: Page) => Promise<R>,
  signal?: AbortSignal,
): Promise<R> {
  return pool.withPage((page) => fn(page), {
    cookies: session.cookies,
    ...(signal === undefined ? {} : { signal }),
  });
}
