import pino from 'pino';
import { PortalServer } from '../../../portal/portal-server';
import { createJobberPortal } from '../jobber.portal';
import type { Clock } from '../../../portal/clock.types';
import { SandboxWorldHost } from '../../../world-host/sandbox-world.host';
import type { JobberApiOptions } from '../jobber-graphql.routes';
import { LATEST_VERSION } from '../jobber-api.versions';

/* Tests and benchmarks: a Jobber portal in-process (Fastify inject), logged in as office@ (no MFA). */

export interface GraphqlAnswer<D = Record<string, unknown>> {
  status: number;
  headers: Record<string, unknown>;
  body: {
    data?: D;
    errors?: { message: string; extensions?: { code?: string } }[];
    extensions?: {
      cost?: {
        requestedQueryCost: number;
        actualQueryCost: number;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
      versioning?: { version: string; warning?: string };
    };
  };
}

export interface JobberSession {
  server: PortalServer;
  world: SandboxWorldHost;
  cookie: string;
  csrf: string;
  gql<D = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlAnswer<D>>;
  /** Fails the test on any GraphQL error. */
  data<D = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<D>;
  exportOf<T = Record<string, unknown>>(entity: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function startJobberSession(options: {
  world?: SandboxWorldHost;
  seed?: number;
  size?: number;
  clock?: Clock;
  api?: JobberApiOptions;
}): Promise<JobberSession> {
  const world =
    options.world ??
    new SandboxWorldHost({ seed: options.seed ?? 1, size: options.size ?? 3_000, ratePerMinute: 2 });
  const server = await PortalServer.create(createJobberPortal(options.api), {
    logger: pino({ level: 'silent' }),
    lockoutDurationMs: 60_000,
    seed: 1,
    world,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const page = await server.app.inject({ method: 'GET', url: '/login' });
  const pre = String(page.headers['set-cookie']).split(';')[0] ?? '';
  const token = /name="authenticity_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const login = await server.app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      authenticity_token: token,
      'user[email]': 'office@greenleaf-hvac.example',
      'user[password]': 'Sandbox!Office1',
    }).toString(),
  });
  const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c?.startsWith('_jobber_session=')) ?? '';
  if (!cookie) throw new Error(`login failed: ${login.statusCode} ${login.body.slice(0, 200)}`);
  const csrf = (await server.app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })).json<{
    csrfToken: string;
  }>().csrfToken;

  const gql = async <D>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = { 'x-jobber-graphql-version': LATEST_VERSION },
  ): Promise<GraphqlAnswer<D>> => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/graphql',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ query, variables }),
    });
    return { status: res.statusCode, headers: res.headers, body: res.json() };
  };
  return {
    server,
    world,
    cookie,
    csrf,
    gql,
    async data<D>(query: string, variables?: Record<string, unknown>): Promise<D> {
      const answer = await gql<D>(query, variables);
      if (answer.status !== 200 || answer.body.errors || !answer.body.data) {
        throw new Error(`GraphQL failed: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
      }
      return answer.body.data;
    },
    async exportOf<T>(entity: string): Promise<T[]> {
      const res = await server.app.inject({ method: 'GET', url: `/__sandbox/world/export/${entity}` });
      return res.json<{ data: T[] }>().data;
    },
    close: () => server.close(),
  };
}
