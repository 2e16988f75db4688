import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { SessionCookie } from '../auth/auth-flow.types';
import { chromiumProcesses, isRunning } from './__fixtures__/chromium-processes.fixture';
import { BrowserPool } from './browser-pool';
import { BrowserPoolError, BrowserPoolErrorCode } from './browser-pool.error';

/*
 * The pool with the real system Chromium: bounds, fresh contexts, cleanup, crash and idle restarts.
 * (No @fieldsync/testing here: it depends on connector-kit, and the project graph must stay acyclic.)
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Inherited by every process the pools below start, the detached crash handlers included.
const MARKER_NAME = 'FIELDSYNC_BROWSER_POOL_SPEC';
process.env[MARKER_NAME] = randomUUID();
const marker = `${MARKER_NAME}=${process.env[MARKER_NAME]}`;

/** Retries `probe` until it stops throwing, for at most `timeoutMs`. */
async function eventually(probe: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** A promise and the function that settles it (Promise.withResolvers is ES2024, the lib is ES2023). */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const deviceCookie: SessionCookie = {
  name: 'device',
  value: 'remembered',
  domain: 'portal.example',
  path: '/',
  expires: Math.floor(Date.now() / 1000) + 3_600,
  httpOnly: true,
  secure: false,
  sameSite: 'Lax',
};

describe('BrowserPool (system Chromium)', () => {
  let pool: BrowserPool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('never has more than maxConcurrent contexts open, queues the rest and shares one Chromium', async () => {
    pool = new BrowserPool({ maxConcurrent: 2 });
    const running = pool;
    let open = 0;
    let mostOpen = 0;
    let mostContexts = 0;
    let mostQueued = 0;
    const logins = Array.from({ length: 4 }, (_, i) =>
      running.withPage(async (page, context) => {
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        mostContexts = Math.max(mostContexts, context.browser()?.contexts().length ?? 0);
        mostQueued = Math.max(mostQueued, running.stats.queued);
        await page.setContent(`<p id="n">${i}</p>`);
        await sleep(300);
        open -= 1;
        return page.textContent('#n');
      }),
    );
    expect(await Promise.all(logins)).toEqual(['0', '1', '2', '3']);
    expect(mostOpen).toBe(2);
    expect(mostContexts).toBe(2);
    expect(mostQueued).toBe(2);
    expect(running.stats).toEqual({ active: 0, queued: 0, launches: 1, running: true });
  });

  it('gives each call a fresh context holding only the cookies it was given', async () => {
    pool = new BrowserPool();
    const first = await pool.withPage(async (_page, context) => {
      await context.addCookies([{ ...deviceCookie, name: 'left-behind', value: 'x' }]);
      return (await context.cookies()).map((c) => c.name);
    });
    expect(first).toEqual(['left-behind']);
    const second = await pool.withPage(async (_page, context) => context.cookies(), {
      cookies: [deviceCookie],
    });
    expect(second).toEqual([expect.objectContaining({ name: 'device', value: 'remembered' })]);
  });

  it('closes the context when the function throws or outlives its timeout', async () => {
    pool = new BrowserPool();
    let seen: { page: Page; context: BrowserContext } | undefined;
    await expect(
      pool.withPage(async (page, context) => {
        seen = { page, context };
        throw new Error('flow failed');
      }),
    ).rejects.toThrow('flow failed');
    expect(seen?.page.isClosed()).toBe(true);
    expect(seen?.context.browser()?.contexts()).toEqual([]);

    const timedOut = pool.withPage(
      async (page, context) => {
        seen = { page, context };
        await page.waitForTimeout(60_000);
      },
      { timeoutMs: 500 },
    );
    await expect(timedOut).rejects.toMatchObject({ code: BrowserPoolErrorCode.Timeout, retriable: true });
    expect(seen?.page.isClosed()).toBe(true);
    expect(seen?.context.browser()?.contexts()).toEqual([]);
    expect(pool.stats.active).toBe(0);
  });

  it('lets a queued caller give up through its AbortSignal, and aborts a page in use', async () => {
    pool = new BrowserPool({ maxConcurrent: 1 });
    const running = pool;
    const holding = gate();
    const release = gate();
    const held = running.withPage(async () => {
      holding.open();
      await release.opened;
      return 'held';
    });
    await holding.opened;
    const controller = new AbortController();
    const queued = running.withPage(async () => 'never', { signal: controller.signal });
    await eventually(() => expect(running.stats.queued).toBe(1));
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: BrowserPoolErrorCode.Aborted });
    expect(running.stats.queued).toBe(0);
    release.open();
    expect(await held).toBe('held');

    const inUse = new AbortController();
    let page: Page | undefined;
    const aborted = running.withPage(
      async (p) => {
        page = p;
        setTimeout(() => inUse.abort(), 100);
        await p.waitForTimeout(60_000);
      },
      { signal: inUse.signal },
    );
    await expect(aborted).rejects.toBeInstanceOf(BrowserPoolError);
    await expect(aborted).rejects.toMatchObject({ code: BrowserPoolErrorCode.Aborted, retriable: false });
    expect(page?.isClosed()).toBe(true);

    // A timeout signal is a timeout (retriable), not a caller giving up.
    const timedOut = running.withPage(async (p) => p.waitForTimeout(60_000), {
      signal: AbortSignal.timeout(200),
    });
    await expect(timedOut).rejects.toMatchObject({ code: BrowserPoolErrorCode.Timeout, retriable: true });
  });

  it('starts a new Chromium for the next login after a crash', async () => {
    pool = new BrowserPool();
    expect(await pool.withPage(async (page) => page.evaluate(() => 1 + 1))).toBe(2);
    const browsers = chromiumProcesses(marker).filter((p) => p.ppid === process.pid);
    expect(browsers).toHaveLength(1);
    process.kill(browsers[0]?.pid ?? 0, 'SIGKILL');
    await eventually(() => expect(pool?.stats.running).toBe(false));

    expect(await pool.withPage(async (page) => page.evaluate(() => 2 + 2))).toBe(4);
    expect(pool.stats.launches).toBe(2);
  });

  it('closes Chromium after the idle period and starts it again on demand', async () => {
    pool = new BrowserPool({ idleCloseMs: 300 });
    await pool.withPage(async (page) => page.setContent('<p>one</p>'));
    const started = chromiumProcesses(marker);
    expect(started.length).toBeGreaterThan(0);
    await eventually(() => expect(pool?.stats.running).toBe(false));
    await eventually(() => expect(started.filter((p) => isRunning(p.pid))).toEqual([]));

    await pool.withPage(async (page) => page.setContent('<p>two</p>'));
    expect(pool.stats.launches).toBe(2);
  });

  it('leaves no Chromium process after close(), fails the page in use and refuses new ones', async () => {
    pool = new BrowserPool({ maxConcurrent: 1 });
    const running = pool;
    const inside = gate();
    const inUse = running.withPage(async (page) => {
      inside.open();
      await page.waitForTimeout(60_000);
    });
    await inside.opened;
    const waiting = running.withPage(async () => 'late');
    expect(running.stats.queued).toBe(1);
    const processes = chromiumProcesses(marker);
    expect(processes.filter((p) => p.ppid === process.pid)).toHaveLength(1); // the browser itself

    await running.close();
    await expect(inUse).rejects.toMatchObject({ code: BrowserPoolErrorCode.Closed });
    await expect(waiting).rejects.toMatchObject({ code: BrowserPoolErrorCode.Closed });
    expect(processes.filter((p) => isRunning(p.pid))).toEqual([]);
    expect(chromiumProcesses(marker)).toEqual([]);
    await expect(running.withPage(async () => 'after')).rejects.toMatchObject({
      code: BrowserPoolErrorCode.Closed,
      retriable: false,
    });
  });

  it('says which option is wrong', async () => {
    expect(() => new BrowserPool({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => new BrowserPool({ idleCloseMs: -1 })).toThrow(/idleCloseMs/);
    expect(() => new BrowserPool({ executablePath: ' ' })).toThrow(/executablePath/);
    await expect(new BrowserPool().withPage(async () => 1, { timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
  });

  it('reports a Chromium that cannot start as a retriable launch failure', async () => {
    pool = new BrowserPool({ executablePath: '/nonexistent/chromium' });
    await expect(pool.withPage(async () => 'never')).rejects.toMatchObject({
      code: BrowserPoolErrorCode.LaunchFailed,
      retriable: true,
    });
    expect(pool.stats).toMatchObject({ active: 0, running: false, launches: 1 });
  });
});
