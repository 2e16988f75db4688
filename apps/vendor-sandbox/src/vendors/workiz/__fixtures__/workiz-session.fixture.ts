import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { PortalServer } from '../../../portal/portal-server';
import type { TestUserSpec } from '../../../portal/portal.types';
import { SandboxWorldHost } from '../../../world-host/sandbox-world.host';
import { createWorkizPortal, type WorkizApiOptions } from '../workiz.portal';

/* Tests and benchmarks: a Workiz portal in-process (Fastify inject), signed in through its own forms. */

const cookieOf = (setCookie: string | string[] | undefined, name: string): string | undefined => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
};
const tokenIn = (html: string): string => /name="_token" value="([^"]+)"/.exec(html)?.[1] ?? '';

/**
 * Signs `user` in through Workiz's login steps: the form (with its `_token`), then, for a user with
 * 2FA, the code the portal sent to the sandbox outbox. Resolves to the session cookie (`name=value`).
 */
export async function signInWorkiz(app: FastifyInstance, user: TestUserSpec): Promise<string> {
  const page = await app.inject({ method: 'GET', url: '/login' });
  const pre = cookieOf(page.headers['set-cookie'], 'workiz_pre') ?? '';
  const login = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _token: tokenIn(page.body),
      email: user.username,
      password: user.password,
    }).toString(),
  });
  if (login.statusCode !== 303) throw new Error(`login of ${user.username} answered ${login.statusCode}`);
  const session = cookieOf(login.headers['set-cookie'], 'workiz_session');
  if (user.mfa === 'none') {
    if (!session) throw new Error(`no session cookie for ${user.username}`);
    return session;
  }
  const twoFactor = cookieOf(login.headers['set-cookie'], 'workiz_2fa') ?? '';
  const codePage = await app.inject({
    method: 'GET',
    url: '/login/2fa',
    headers: { cookie: `${pre}; ${twoFactor}` },
  });
  const to = user.mfa === 'email' ? user.email : user.phone;
  const outbox = (
    await app.inject({ method: 'GET', url: `/__sandbox/outbox?to=${encodeURIComponent(to ?? '')}` })
  ).json<{
    messages: { code: string; channel: string }[];
  }>();
  const message = outbox.messages[outbox.messages.length - 1];
  if (!message || message.channel !== user.mfa) throw new Error(`no ${user.mfa} code for ${user.username}`);
  const verify = await app.inject({
    method: 'POST',
    url: '/login/2fa',
    headers: { cookie: `${pre}; ${twoFactor}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _token: tokenIn(codePage.body), code: message.code }).toString(),
  });
  const cookie = cookieOf(verify.headers['set-cookie'], 'workiz_session');
  if (verify.statusCode !== 303 || !cookie)
    throw new Error(`2FA of ${user.username} answered ${verify.statusCode}`);
  return cookie;
}

export interface WorkizAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface WorkizSession {
  server: PortalServer;
  world: SandboxWorldHost;
  cookie: string;
  csrf: string;
  token: string;
  secret: string;
  /** GET of the public API: `api('job/all/?records=5')`. */
  api(path: string): Promise<WorkizAnswer>;
  /** POST of the public API with `auth_secret` added (unless `withSecret` is false). */
  post(path: string, body: Record<string, unknown>, withSecret?: boolean): Promise<WorkizAnswer>;
  /** GET of the web app's JSON. */
  web(path: string): Promise<WorkizAnswer>;
  exportOf<T = Record<string, unknown>>(entity: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function startWorkizSession(options: {
  world?: SandboxWorldHost;
  seed?: number;
  size?: number;
  api?: WorkizApiOptions;
  user?: TestUserSpec;
}): Promise<WorkizSession> {
  const world =
    options.world ??
    new SandboxWorldHost({ seed: options.seed ?? 1, size: options.size ?? 3_000, ratePerMinute: 2 });
  const portal = createWorkizPortal(options.api ?? { requestsPer10s: 0 });
  const server = await PortalServer.create(portal, {
    logger: pino({ level: 'silent' }),
    lockoutDurationMs: 60_000,
    seed: 1,
    world,
  });
  const user = options.user ?? portal.users[0];
  if (!user) throw new Error('Workiz has no test user');
  const cookie = await signInWorkiz(server.app, user);
  const answer = (r: {
    statusCode: number;
    headers: Record<string, unknown>;
    body: string;
  }): WorkizAnswer => ({
    status: r.statusCode,
    headers: r.headers,
    body: r.body === '' ? {} : (JSON.parse(r.body) as Record<string, unknown>),
  });
  const csrf = (await server.app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })).json<{
    csrfToken: string;
  }>().csrfToken;
  const integrations = (
    await server.app.inject({ method: 'GET', url: '/ajaxc/account/integrations/', headers: { cookie } })
  ).json<{ developer_api: { api_token: string; api_secret: string } }>();
  const token = integrations.developer_api.api_token;
  const secret = integrations.developer_api.api_secret;
  return {
    server,
    world,
    cookie,
    csrf,
    token,
    secret,
    api: async (path) =>
      answer(
        await server.app.inject({ method: 'GET', url: `/api/v1/${token}/${path}`, headers: { cookie } }),
      ),
    post: async (path, body, withSecret = true) =>
      answer(
        await server.app.inject({
          method: 'POST',
          url: `/api/v1/${token}/${path}`,
          headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          payload: JSON.stringify(withSecret ? { auth_secret: secret, ...body } : body),
        }),
      ),
    web: async (path) => answer(await server.app.inject({ method: 'GET', url: path, headers: { cookie } })),
    exportOf: async <T>(entity: string) =>
      (await server.app.inject({ method: 'GET', url: `/__sandbox/world/export/${entity}` })).json<{
        data: T[];
      }>().data,
    close: () => server.close(),
  };
}
