import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Logger } from 'pino';
import type { SessionCookie } from '../auth/auth-flow.types';
import {
  CHROMIUM_ARGS,
  DEFAULT_BROWSER_IDLE_MS,
  DEFAULT_CHROMIUM_PATH,
  DEFAULT_MAX_CONCURRENT_LOGINS,
} from './browser-pool.constants';
import { BrowserPoolError, BrowserPoolErrorCode } from './browser-pool.error';
import { FifoSemaphore } from './fifo-semaphore';

export interface BrowserPoolOptions {
  /** The Chromium binary (default `/usr/bin/chromium`). */
  readonly executablePath?: string;
  /** Pages (browser contexts) open at once; further callers queue in arrival order. Default 2. */
  readonly maxConcurrent?: number;
  /** Chromium is closed after this long without any page. Default 60 s. */
  readonly idleCloseMs?: number;
  /** How long Chromium may take to start. Default 30 s. */
  readonly launchTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface WithPageOptions {
  /** Restored into the fresh context before the page opens (e.g. a recognised-device cookie). */
  readonly cookies?: readonly SessionCookie[];
  /**
   * Gives up waiting for a slot, or closes the page in use: `aborted`, or `timeout` for a timeout
   * signal (`AbortSignal.timeout(ms)`).
   */
  readonly signal?: AbortSignal;
  /** Budget of the page function once it has a page; the context is closed when it runs out. */
  readonly timeoutMs?: number;
}

export interface BrowserPoolStats {
  /** Pages in use. */
  readonly active: number;
  /** Callers waiting for a slot. */
  readonly queued: number;
  /** Chromium starts since the pool was created (a crash or an idle close means one more). */
  readonly launches: number;
  /** Whether a Chromium is running or starting. */
  readonly running: boolean;
}

export type PageFunction<T> = (page: Page, context: BrowserContext) => Promise<T>;

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${field}: must be a positive integer, got ${String(value)}`);
  }
  return n;
}

/**
 * The error for a caller's signal: `timeout` when it is a timeout signal (`AbortSignal.timeout`,
 * whose reason is a `TimeoutError`), `aborted` otherwise.
 */
function callerAbortError(reason: unknown, while_: string): BrowserPoolError {
  // By name, not instanceof: the DOMException of AbortSignal.timeout may come from another realm.
  const timedOut =
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return new BrowserPoolError(
    timedOut ? BrowserPoolErrorCode.Timeout : BrowserPoolErrorCode.Aborted,
    `${timedOut ? 'timed out' : 'aborted'} ${while_}`,
    { cause: reason },
  );
}

/** Rejects with `signal.reason` (a BrowserPoolError) when the signal fires before `work` settles. */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        signal.reason instanceof Error
          ? signal.reason
          : new BrowserPoolError(BrowserPoolErrorCode.Aborted, 'aborted', { cause: signal.reason }),
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Attached either way, so a page function that fails after the abort is not an unhandled rejection.
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The Chromium that runs vendor logins: one system Chromium per process, started on the first login
 * and closed after an idle period; a FRESH browser context per login (no cookie, cache or storage of
 * another login leaks into it) that is always closed afterwards; at most `maxConcurrent` contexts at
 * once. A Chromium that crashed or disconnected is started again by the next login.
 */
export class BrowserPool {
  private readonly executablePath: string;
  private readonly idleCloseMs: number;
  private readonly launchTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly slots: FifoSemaphore;
  private browser: Promise<Browser> | undefined;
  private launches = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** One per page function running; aborted by close(). */
  private readonly leases = new Set<AbortController>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly closing = new Set<Promise<void>>();

  constructor(options: BrowserPoolOptions = {}) {
    this.executablePath = options.executablePath ?? DEFAULT_CHROMIUM_PATH;
    if (this.executablePath.trim() === '') throw new RangeError('executablePath: must not be empty');
    this.slots = new FifoSemaphore(
      positiveInteger('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT_LOGINS),
    );
    this.idleCloseMs = positiveInteger('idleCloseMs', options.idleCloseMs, DEFAULT_BROWSER_IDLE_MS);
    this.launchTimeoutMs = positiveInteger('launchTimeoutMs', options.launchTimeoutMs, 30_000);
    this.logger = options.logger?.child({ component: 'BrowserPool' });
  }

  get stats(): BrowserPoolStats {
    return {
      active: this.slots.active,
      queued: this.slots.queued,
      launches: this.launches,
      running: this.browser !== undefined,
    };
  }

  /**
   * Runs `fn` with a page of a fresh context (holding `cookies`), after waiting for a free slot. The
   * context is closed whatever happens: `fn` resolves or throws, the signal aborts, the timeout
   * passes, or the pool is closed (the last three reject with a BrowserPoolError).
   */
  withPage<T>(fn: PageFunction<T>, options: WithPageOptions = {}): Promise<T> {
    const run = this.run(fn, options);
    const tracked = run.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return run;
  }

  /** Closes every page in use (their callers get `pool_closed`), refuses new ones and stops Chromium. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelIdleClose();
    const closedError = () =>
      new BrowserPoolError(BrowserPoolErrorCode.Closed, 'the browser pool was closed');
    this.slots.rejectWaiting(closedError());
    for (const lease of this.leases) lease.abort(closedError());
    await Promise.all(this.inFlight);
    await this.closeBrowser('pool closed');
    await Promise.all(this.closing);
  }

  private async run<T>(fn: PageFunction<T>, options: WithPageOptions): Promise<T> {
    if (options.timeoutMs !== undefined) positiveInteger('timeoutMs', options.timeoutMs, 1);
    if (this.closed) {
      throw new BrowserPoolError(BrowserPoolErrorCode.Closed, 'the browser pool is closed');
    }
    const release = await this.slots.acquire(options.signal, (reason) =>
      callerAbortError(reason, 'while waiting for a browser slot'),
    );
    this.cancelIdleClose();
    const lease = new AbortController();
    const onCallerAbort = (): void =>
      lease.abort(callerAbortError(options.signal?.reason, 'while the page was in use'));
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (options.signal?.aborted) onCallerAbort();
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              lease.abort(
                new BrowserPoolError(
                  BrowserPoolErrorCode.Timeout,
                  `the page was in use longer than ${options.timeoutMs} ms`,
                ),
              ),
            options.timeoutMs,
          );
    this.leases.add(lease);
    let context: BrowserContext | undefined;
    try {
      if (this.closed) {
        throw new BrowserPoolError(BrowserPoolErrorCode.Closed, 'the browser pool is closed');
      }
      const browser = await untilStopped(this.browserInstance(), lease.signal);
      // Not raced with the lease: a context created after an abort would otherwise never be closed.
      context = await browser.newContext();
      if (options.cookies && options.cookies.length > 0) {
        await context.addCookies(options.cookies.map((cookie) => ({ ...cookie })));
      }
      const page = await context.newPage();
      const opened = context;
      return await untilStopped(
        Promise.resolve().then(() => fn(page, opened)),
        lease.signal,
      );
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
      this.leases.delete(lease);
      if (context) {
        await context.close().catch((error: unknown) => {
          // Only when Chromium is already gone, and its contexts with it.
          this.logger?.warn({ err: error }, 'closing a browser context failed');
        });
      }
      release();
      this.scheduleIdleClose();
    }
  }

  private browserInstance(): Promise<Browser> {
    if (this.browser) return this.browser;
    const launching = this.launch();
    this.browser = launching;
    launching.then(
      (browser) =>
        browser.on('disconnected', () => {
          if (this.browser !== launching) return;
          this.browser = undefined;
          this.logger?.warn('Chromium disconnected; the next login starts a new one');
        }),
      () => {
        if (this.browser === launching) this.browser = undefined;
      },
    );
    return launching;
  }

  private async launch(): Promise<Browser> {
    this.launches += 1;
    const started = Date.now();
    try {
      // Loaded on first use: playwright-core costs ~150 ms to require, and most importers of
      // connector-kit never open a browser.
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: this.executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
        timeout: this.launchTimeoutMs,
        // The service's shutdown hook closes the pool; Playwright must not race it on signals (its
        // SIGINT handler would even exit the process). Its exit handler still kills Chromium.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      this.logger?.info(
        { launches: this.launches, ms: Date.now() - started, version: browser.version() },
        'Chromium started',
      );
      return browser;
    } catch (error) {
      this.logger?.error({ err: error }, 'Chromium did not start');
      throw new BrowserPoolError(
        BrowserPoolErrorCode.LaunchFailed,
        `Chromium did not start from ${this.executablePath}`,
        { cause: error },
      );
    }
  }

  private scheduleIdleClose(): void {
    if (this.closed || !this.browser || this.slots.active > 0 || this.slots.queued > 0) return;
    this.cancelIdleClose();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      void this.closeBrowser('idle');
    }, this.idleCloseMs);
    // An idle timer alone does not keep the process alive.
    this.idleTimer.unref();
  }

  private cancelIdleClose(): void {
    if (this.idleTimer === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private closeBrowser(why: string): Promise<void> {
    const launching = this.browser;
    this.browser = undefined;
    if (!launching) return Promise.resolve();
    const closing = launching
      .then(
        async (browser) => {
          await browser.close();
          this.logger?.info({ why }, 'Chromium closed');
        },
        () => undefined,
      )
      .catch((error: unknown) => this.logger?.warn({ err: error, why }, 'closing Chromium failed'))
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
    return closing;
  }
}
