import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { BrowserPool } from '../browser/browser-pool';
import { AuthFlowError } from './auth-flow.types';
import { credentialForm } from './login-form.util';
import { LoginNavigator } from './login-navigator';

/*
 * LoginNavigator in the real Chromium against a tiny local portal whose pages misbehave on purpose:
 * every failure must become the right AuthFlowError, quickly, without a secret in it.
 */

const SECRET = 'Sandbox!Secret1';

const page = (body: string, head = '') =>
  `<!doctype html><html><head><title>t</title>${head}</head><body>${body}</body></html>`;
const form = (action: string, extra = '') =>
  `<form method="post" action="${action}" ${extra}><input autocomplete="username" name="u"><input type="password" name="p"><button type="submit">Go</button></form>`;

const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/login': (res) => res.end(page(form('/home'))),
  '/home': (res) => res.end(page('<p>dashboard</p>', '<meta name="csrf-token" content="tok">')),
  '/down': (res) => res.writeHead(503).end(page('<p>maintenance</p>')),
  '/disabled': (res) =>
    res.end(
      page('<form><input autocomplete="username"><input type="password" disabled><button>Go</button></form>'),
    ),
  '/no-submit': (res) => res.end(page(form('/home', 'onsubmit="return false"'))),
  '/to-hang': (res) => res.end(page(form('/hang'))),
  '/hang': () => undefined, // never answers
  '/to-blank': (res) => res.end(page(form('/blank'))),
  '/blank': (res) => res.end(page('<p>Something new</p>')),
  '/to-locked': (res) => res.end(page(form('/locked'))),
  '/locked': (res) => res.end(page('<p role="alert">Your account has been locked.</p>')),
  '/to-refused': (res) => res.end(page(form('/refused'))),
  '/refused': (res) =>
    res.writeHead(401).end(page(`<p role="alert">Invalid username or password.</p>${form('/home')}`)),
  '/api/shape': (res) => res.setHeader('content-type', 'application/json').end('{"user":{"id":1}}'),
  '/api/down': (res) => res.writeHead(502).end('{}'),
};

describe('LoginNavigator (Chromium against a local page server)', () => {
  let server: Server;
  let origin: string;
  let pool: BrowserPool;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      req.resume();
      const route = ROUTES[path];
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/html');
      route(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pool = new BrowserPool();
  });

  afterAll(async () => {
    await pool?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Runs `steps` with a navigator (budget `budgetMs`, settle 1 s) and returns what it threw. */
  async function failure(
    steps: (nav: LoginNavigator, p: Page) => Promise<void>,
    budgetMs = 8_000,
  ): Promise<AuthFlowError> {
    const thrown = await pool.withPage(async (p) => {
      const nav = new LoginNavigator(
        p,
        { vendorName: 'Acme', portalUrl: origin, signedIn: 'meta[name="csrf-token"]' },
        budgetMs,
        {
          settleMs: 1_000,
        },
      );
      nav.protect(SECRET);
      try {
        await steps(nav, p);
        return new Error('no failure');
      } catch (error) {
        return error;
      } finally {
        nav.dispose();
      }
    });
    expect(thrown).toBeInstanceOf(AuthFlowError);
    const error = thrown as AuthFlowError;
    const cause = error.cause instanceof Error ? `${error.cause.message}\n${error.cause.stack ?? ''}` : '';
    expect(`${error.message}\n${error.stack ?? ''}\n${cause}`).not.toContain(SECRET);
    return error;
  }

  async function submitCredentials(nav: LoginNavigator, p: Page, path: string): Promise<void> {
    await nav.open(path, 'login page');
    const f = credentialForm(p);
    await nav.fill(f.identifier, 'someone', 'user name');
    await nav.fill(f.password, SECRET, 'password');
    await nav.submit(f.submit, 'password');
  }

  it('signs in through a plain form and sees the signed-in marker', async () => {
    const view = await pool.withPage(async (p) => {
      const nav = new LoginNavigator(
        p,
        { vendorName: 'Acme', portalUrl: origin, signedIn: 'meta[name="csrf-token"]' },
        8_000,
      );
      await submitCredentials(nav, p, '/login');
      return nav.view();
    });
    expect(view).toMatchObject({ path: '/home', status: 200, signedIn: true, alert: false, locked: false });
  });

  it('a login page answering 503 is vendor_unavailable', async () => {
    const error = await failure((nav) => nav.open('/down', 'login page'));
    expect(error).toMatchObject({ reason: 'vendor_unavailable', retriable: true });
    expect(error.message).toBe('Acme: the login page was HTTP 503');
  });

  it('a field that cannot be typed into is login_page_changed, naming the field, without the value or a cause', async () => {
    const error = await failure(async (nav, p) => {
      await nav.open('/disabled', 'login page');
      await nav.fill(credentialForm(p).password, SECRET, 'password');
    });
    expect(error).toMatchObject({ reason: 'login_page_changed', retriable: false });
    expect(error.message).toBe('Acme: could not type into the password field');
    expect(error.cause).toBeUndefined();
  });

  it('a form that does not submit is login_page_changed', async () => {
    const error = await failure((nav, p) => submitCredentials(nav, p, '/no-submit'));
    expect(error.reason).toBe('login_page_changed');
    expect(error.message).toMatch(/did not leave the page/);
  });

  it('an answer that never comes is vendor_unavailable once the budget is spent', async () => {
    const error = await failure((nav, p) => submitCredentials(nav, p, '/to-hang'), 3_000);
    expect(error).toMatchObject({ reason: 'vendor_unavailable', retriable: true });
    expect(error.message).toMatch(
      /the answer to the password form did not arrive in time|used up its 3000 ms budget/,
    );
  });

  it('an unknown page after a step is login_page_changed', async () => {
    const error = await failure((nav, p) => submitCredentials(nav, p, '/to-blank'));
    expect(error.reason).toBe('login_page_changed');
    expect(error.message).toMatch(/\/blank, HTTP 200\) is not one the flow knows/);
  });

  it('reads locked and refused pages into the matching failures', async () => {
    const locked = await failure(async (nav, p) => {
      await submitCredentials(nav, p, '/to-locked');
      throw nav.failureOf(await nav.view(), 'password');
    });
    expect(locked.reason).toBe('account_locked');
    const refused = await failure(async (nav, p) => {
      await submitCredentials(nav, p, '/to-refused');
      throw nav.failureOf(await nav.view(), 'password');
    });
    expect(refused).toMatchObject({ reason: 'invalid_credentials', retriable: false });
  });

  it('getJson: a body of another shape names the fields; a 5xx is vendor_unavailable', async () => {
    const schema = z.object({ user: z.object({ id: z.string(), role: z.string() }) });
    const shape = await failure(async (nav) => {
      await nav.open('/login', 'login page');
      await nav.getJson('/api/shape', schema);
    });
    expect(shape.reason).toBe('login_page_changed');
    expect(shape.message).toBe('Acme: GET /api/shape answered an unexpected shape (user.id, user.role)');
    const down = await failure(async (nav) => {
      await nav.open('/login', 'login page');
      await nav.getJson('/api/down', schema);
    });
    expect(down).toMatchObject({
      reason: 'vendor_unavailable',
      message: 'Acme: GET /api/down answered HTTP 502',
    });
  });
});
