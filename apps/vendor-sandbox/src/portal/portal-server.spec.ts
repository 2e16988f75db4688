import { SandboxWorldHost } from '../world-host/sandbox-world.host';
import pino from 'pino';
import { PortalServer } from './portal-server';
import type { PortalKit, VendorPortal } from './portal.types';

/* The framework's request pipeline through Fastify's inject (no socket): sessions, CSRF, faults. */

const portal: VendorPortal = {
  id: 'workiz',
  name: 'Test portal',
  defaultPort: 0,
  cookiePrefix: 'tp',
  sessionTimeouts: { idleMs: 60_000, absoluteMs: 600_000 },
  lockout: { maxFailures: 5 },
  users: [{ id: 'u1', username: 'u1', password: 'pw', displayName: 'U One', role: 'Owner', mfa: 'none' }],
  homePath: '/home',
  login: {
    path: '/login',
    mount(app, kit) {
      app.post('/test-login', async (_request, reply) => {
        const user = kit.users.byId('u1');
        if (user) kit.startSession(reply, user);
        return reply.send({ ok: true });
      });
    },
  },
  mountData(scope) {
    scope.get('/api/items', async () => ({ items: [{ id: 1, modifiedOn: 'x' }] }));
    scope.post('/api/items', async () => ({ created: true }));
    scope.get('/api/refused', async (_request, reply) => reply.code(400).send({ error: 'bad_request' }));
  },
};

// One small world for the whole file: generation is deterministic and takes milliseconds at this size.
const world = new SandboxWorldHost({ seed: 1, size: 300, ratePerMinute: 2 });

describe('PortalServer', () => {
  let server: PortalServer;
  let kit: PortalKit;
  let cookie: string;

  beforeEach(async () => {
    server = await PortalServer.create(portal, {
      logger: pino({ level: 'silent' }),
      lockoutDurationMs: 1_000,
      seed: 1,
      world,
    });
    kit = server.kit;
    const login = await server.app.inject({ method: 'POST', url: '/test-login' });
    cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  });

  afterEach(() => server.close());

  it('answers 401 JSON to an API call and a redirect to a page load without a session', async () => {
    const api = await server.app.inject({ method: 'GET', url: '/api/items' });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toEqual({ error: 'unauthenticated', reason: 'unknown' });
    const page = await server.app.inject({ method: 'GET', url: '/home', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2Fhome');
  });

  it('sends a browser opening the root to the login page, and once signed in to the landing page', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const anonymous = await server.app.inject({ method: 'GET', url: '/', headers: html });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe('/login?next=%2F');

    const signedIn = await server.app.inject({ method: 'GET', url: '/', headers: { ...html, cookie } });
    expect(signedIn.statusCode).toBe(302);
    expect(signedIn.headers.location).toBe('/home');
    const landing = await server.app.inject({ method: 'GET', url: '/home', headers: { ...html, cookie } });
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('Signed in as <strong>U One</strong>');
  });

  it('serves the landing page at the root when that is where a login lands', async () => {
    const rootHome = await PortalServer.create(
      { ...portal, homePath: '/' },
      { logger: pino({ level: 'silent' }), lockoutDurationMs: 1_000, seed: 1, world },
    );
    try {
      const html = { accept: 'text/html' };
      const anonymous = await rootHome.app.inject({ method: 'GET', url: '/', headers: html });
      expect(anonymous.statusCode).toBe(302);
      expect(anonymous.headers.location).toBe('/login?next=%2F');
      const login = await rootHome.app.inject({ method: 'POST', url: '/test-login' });
      const session = String(login.headers['set-cookie']).split(';')[0] ?? '';
      const landing = await rootHome.app.inject({
        method: 'GET',
        url: '/',
        headers: { ...html, cookie: session },
      });
      expect(landing.statusCode).toBe(200);
      expect(landing.body).toContain('Signed in as <strong>U One</strong>');
    } finally {
      await rootHome.close();
    }
  });

  it('sets an HttpOnly, SameSite=Lax session cookie on Path=/', async () => {
    const login = await server.app.inject({ method: 'POST', url: '/test-login' });
    expect(String(login.headers['set-cookie'])).toMatch(
      /^tp_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
  });

  it('needs X-CSRF-Token on state-changing data requests', async () => {
    const without = await server.app.inject({ method: 'POST', url: '/api/items', headers: { cookie } });
    expect(without.statusCode).toBe(403);
    const { csrfToken } = (
      await server.app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })
    ).json<{ csrfToken: string }>();
    const withToken = await server.app.inject({
      method: 'POST',
      url: '/api/items',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(withToken.json()).toEqual({ created: true });
  });

  it('applies 429 with Retry-After and drift to data routes, never to the control API', async () => {
    await server.app.inject({
      method: 'POST',
      url: '/__sandbox/faults',
      payload: {
        rateLimit: { next: 1, retryAfterSeconds: 3 },
        drift: [{ from: 'modifiedOn', to: 'modifiedAt' }],
      },
    });
    const control = await server.app.inject({ method: 'GET', url: '/__sandbox/faults' });
    expect(control.statusCode).toBe(200);
    const limited = await server.app.inject({ method: 'GET', url: '/api/items', headers: { cookie } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    const drifted = await server.app.inject({ method: 'GET', url: '/api/items', headers: { cookie } });
    expect(drifted.json()).toEqual({ items: [{ id: 1, modifiedAt: 'x' }] });
  });

  it('counts the requests behind the session by outcome, never the control API or logins, until a reset', async () => {
    await server.app.inject({
      method: 'POST',
      url: '/__sandbox/faults',
      payload: { rateLimit: { next: 1 } },
    });
    const answers = [
      await server.app.inject({ method: 'GET', url: '/api/items', headers: { cookie } }),
      await server.app.inject({ method: 'GET', url: '/api/items', headers: { cookie } }),
      await server.app.inject({ method: 'GET', url: '/api/items' }),
      await server.app.inject({ method: 'POST', url: '/api/items', headers: { cookie } }),
      await server.app.inject({ method: 'GET', url: '/api/refused', headers: { cookie } }),
    ].map((r) => r.statusCode);
    expect(answers).toEqual([429, 200, 401, 403, 400]);
    const counted = (await server.app.inject({ method: 'GET', url: '/__sandbox/requests' })).json<
      Record<string, unknown>
    >();
    expect(counted).toMatchObject({
      total: 5,
      ok: 1,
      rateLimited: 1,
      refused: 2,
      clientErrors: 1,
      serverErrors: 0,
    });
    expect(Date.parse(String(counted['lastAt']))).toBeGreaterThanOrEqual(
      Date.parse(String(counted['firstAt'])),
    );
    await server.app.inject({ method: 'POST', url: '/__sandbox/reset' });
    expect(kit.requests.snapshot()).toEqual({
      total: 0,
      ok: 0,
      rateLimited: 0,
      refused: 0,
      clientErrors: 0,
      serverErrors: 0,
      queryCost: null,
      firstAt: null,
      lastAt: null,
    });
  });

  it('ends sessions through the control API and resets everything', async () => {
    const expired = await server.app.inject({
      method: 'POST',
      url: '/__sandbox/sessions/expire',
      payload: {},
    });
    expect(expired.json()).toEqual({ expired: 1 });
    expect(
      (await server.app.inject({ method: 'GET', url: '/api/items', headers: { cookie } })).statusCode,
    ).toBe(401);
    expect(kit.counters.snapshot().total.successes).toBe(1);
    await server.app.inject({ method: 'POST', url: '/__sandbox/reset' });
    expect(kit.counters.snapshot().total.successes).toBe(0);
  });

  it('regenerates the world through the control API, deterministically, and exports it', async () => {
    const exportCustomers = async () =>
      (await server.app.inject({ method: 'GET', url: '/__sandbox/world/export/customer' })).json<{
        count: number;
        data: { id: number }[];
      }>();
    const reset = await server.app.inject({
      method: 'POST',
      url: '/__sandbox/reset',
      payload: { world: { seed: 7, size: 400 } },
    });
    expect(reset.json()).toEqual({ reset: true, world: { seed: 7, size: 400 } });
    const first = await exportCustomers();
    expect(first.count).toBeGreaterThan(0);
    await server.app.inject({
      method: 'POST',
      url: '/__sandbox/reset',
      payload: { world: { seed: 7, size: 400 } },
    });
    expect(await exportCustomers()).toEqual(first);
    const advanced = await server.app.inject({
      method: 'POST',
      url: '/__sandbox/world/advance',
      payload: { ms: 3_600_000 },
    });
    expect(advanced.json<{ changes: number }>().changes).toBeGreaterThan(0);
    const burst = await server.app.inject({
      method: 'POST',
      url: '/__sandbox/world/burst',
      payload: { count: 25, entity: 'customer' },
    });
    expect(burst.json<{ changes: number }>().changes).toBe(25);
    expect(
      (await server.app.inject({ method: 'GET', url: '/__sandbox/world/export/spaceship' })).statusCode,
    ).toBe(404);
    expect(
      (await server.app.inject({ method: 'POST', url: '/__sandbox/world/advance', payload: { ms: -1 } }))
        .statusCode,
    ).toBe(400);
  });
});
