import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerControlRoutes } from './control.routes';
import { deleteCookie, readCookie, writeCookie } from './cookie.util';
import { Csrf } from './csrf.util';
import { FaultSwitch } from './fault-switch';
import { formField } from './form-field.util';
import { escapeHtml, renderPage } from './html.util';
import { LoginCounters } from './login-counters';
import { RequestCounters } from './request-counters';
import { LoginLockout } from './login-lockout';
import { OneTimeCodes } from './one-time-codes';
import { Outbox } from './outbox';
import { CONTROL_PREFIX } from './portal.constants';
import type { Clock } from './clock.types';
import type { PortalKit, PortalUser, VendorPortal } from './portal.types';
import { PortalUserDirectory } from './portal-users';
import { safeEqual } from './safe-equal.util';
import { SessionStore, type PortalSession, type SessionTimeouts } from './session.store';
import type { SandboxWorldHost } from '../world-host/sandbox-world.host';

export interface PortalServerOptions {
  logger: Logger;
  /** Default Date.now. */
  clock?: Clock;
  /** Overrides of the definition's timeouts (SANDBOX_SESSION_TIMEOUTS). */
  timeouts?: Partial<SessionTimeouts>;
  /** How long a locked account stays locked (SANDBOX_LOCKOUT_DURATION). */
  lockoutDurationMs: number;
  /** Default seed of the fault PRNG (SANDBOX_SEED). */
  seed: number;
  /** The one business every portal renders. */
  world: SandboxWorldHost;
}

const SMS_CODE_POLICY = { ttlMs: 5 * 60_000, maxUnverified: 10, cooldownMs: 60 * 60_000 };
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** One vendor portal: a Fastify instance with the framework's routes, the vendor's login flow and data. */
export class PortalServer {
  private address: AddressInfo | undefined;

  private constructor(
    readonly definition: VendorPortal,
    readonly app: FastifyInstance,
    readonly kit: PortalKit,
  ) {}

  static async create(definition: VendorPortal, options: PortalServerOptions): Promise<PortalServer> {
    const clock = options.clock ?? Date.now;
    const logger = options.logger.child({ vendor: definition.id });
    const timeouts = { ...definition.sessionTimeouts, ...options.timeouts };
    const sessionCookie = `${definition.cookiePrefix}_session`;
    const resetHooks: (() => void)[] = [];
    const signingKey = randomBytes(32);

    const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 1_048_576 });
    await app.register(fastifyFormbody);
    app.decorateRequest('portalSession', null);

    const kit: PortalKit = {
      vendor: definition.id,
      name: definition.name,
      world: options.world,
      clock,
      logger,
      users: await PortalUserDirectory.create(definition.users),
      sessions: new SessionStore(timeouts, clock),
      csrf: new Csrf(signingKey),
      lockout: new LoginLockout(
        { maxFailures: definition.lockout.maxFailures, durationMs: options.lockoutDurationMs },
        clock,
      ),
      codes: new OneTimeCodes(SMS_CODE_POLICY, clock),
      outbox: new Outbox(clock),
      counters: new LoginCounters(),
      requests: new RequestCounters(),
      faults: new FaultSwitch(options.seed, clock),
      loginPath: definition.login.path,
      homePath: definition.homePath,
      signingKey,
      startSession(reply: FastifyReply, user: PortalUser): PortalSession {
        const session = this.sessions.create(user.id);
        this.setCookie(reply, sessionCookie, session.id);
        this.lockout.recordSuccess(user.id);
        this.counters.count(user.username, 'successes');
        logger.info({ user: user.username }, 'login succeeded');
        return session;
      },
      setCookie(reply, name, value, maxAgeSeconds) {
        writeCookie(reply, name, value, maxAgeSeconds);
      },
      clearCookie(reply, name) {
        deleteCookie(reply, name);
      },
      cookie(request, name) {
        return readCookie(request, name);
      },
      onReset(hook) {
        resetHooks.push(hook);
      },
    };

    const resetAll = (): void => {
      kit.sessions.clear();
      kit.lockout.clear();
      kit.codes.clear();
      kit.outbox.clear();
      kit.counters.clear();
      kit.requests.clear();
      kit.faults.clear();
      for (const hook of resetHooks) hook();
    };

    const server = new PortalServer(definition, app, kit);
    await app.register(
      async (control) =>
        registerControlRoutes(control, {
          kit,
          definition,
          world: options.world,
          resetAll,
          port: () => server.port,
        }),
      { prefix: CONTROL_PREFIX },
    );
    definition.login.mount(app, kit);
    await app.register(async (scope) => {
      authenticatedScope(scope, kit, sessionCookie);
      homeRoutes(scope, kit, definition, sessionCookie);
      definition.mountData?.(scope, kit);
    });
    return server;
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  async listen(port: number, host: string): Promise<number> {
    await this.app.listen({ port, host });
    this.address = this.app.server.address() as AddressInfo;
    return this.address.port;
  }

  get listening(): boolean {
    return this.app.server.listening;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/**
 * Hooks of every route that needs a session: the API faults first (as a vendor's edge would answer
 * 429/5xx before the app), then the session (idle and absolute timeouts), then CSRF on
 * state-changing methods; drift renames JSON keys on the way out; every answer is counted by outcome.
 */
function authenticatedScope(scope: FastifyInstance, kit: PortalKit, sessionCookie: string): void {
  scope.addHook('onRequest', async (request, reply) => {
    const latency = kit.faults.latencyMs();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const outcome = kit.faults.decide();
    if (outcome.kind === 'rateLimit') {
      return reply
        .code(429)
        .header('retry-after', outcome.retryAfter)
        .send({ error: 'too_many_requests', message: 'Rate limit exceeded' });
    }
    if (outcome.kind === 'serverError') {
      return reply.code(outcome.status).send({ error: 'server_error', message: 'Simulated failure' });
    }
    const cookie = kit.cookie(request, sessionCookie);
    const found = kit.sessions.touch(cookie);
    if ('ended' in found) {
      if (found.ended !== 'unknown') kit.logger.info({ reason: found.ended }, 'session expired');
      if (cookie !== undefined) kit.clearCookie(reply, sessionCookie);
      if (wantsHtml(request) && request.method === 'GET') {
        return reply.redirect(`${kit.loginPath}?next=${encodeURIComponent(request.url)}`, 302);
      }
      return reply.code(401).send({ error: 'unauthenticated', reason: found.ended });
    }
    request.portalSession = found.session;
    return undefined;
  });
  scope.addHook('preHandler', async (request, reply) => {
    const session = request.portalSession;
    if (!session || !STATE_CHANGING.has(request.method)) return undefined;
    const header = request.headers['x-csrf-token'];
    // A form carries it as `_csrf`, or as ASP.NET's `__RequestVerificationToken` (TOM).
    const token =
      typeof header === 'string'
        ? header
        : (formField(request, '_csrf') ?? formField(request, '__RequestVerificationToken'));
    if (token === undefined || !safeEqual(token, session.csrfToken)) {
      return reply.code(403).send({ error: 'csrf', message: 'Missing or invalid CSRF token' });
    }
    return undefined;
  });
  scope.addHook('onResponse', async (_request, reply) => {
    kit.requests.count(reply.statusCode);
  });
  scope.addHook('preSerialization', async (_request, _reply, payload: unknown) =>
    kit.faults.hasDrift() ? kit.faults.drift(payload) : payload,
  );
}

/**
 * The portal's root, the landing page, whoami, the CSRF token endpoint and logout (every portal has
 * them). A browser opening the root goes where the vendor's web app sends it: without a session to the
 * login page (the scope's hook), with one to the landing page a login ends on (`homePath`; served at
 * the root itself when that is the vendor's home).
 */
function homeRoutes(
  scope: FastifyInstance,
  kit: PortalKit,
  definition: VendorPortal,
  sessionCookie: string,
): void {
  const userOf = (request: FastifyRequest): PortalUser => {
    const session = request.portalSession;
    const user = session ? kit.users.byId(session.userId) : undefined;
    if (!user) throw new Error('authenticated route without a session user');
    return user;
  };

  if (definition.homePath !== '/') {
    scope.get('/', async (_request, reply) => reply.redirect(definition.homePath, 302));
  }

  scope.get(definition.homePath, async (request, reply) => {
    const user = userOf(request);
    const csrf = request.portalSession?.csrfToken ?? '';
    return reply.type('text/html; charset=utf-8').send(
      renderPage({
        title: `${definition.name} — Dashboard`,
        heading: `${definition.name} dashboard`,
        head: `<meta name="csrf-token" content="${escapeHtml(csrf)}">`,
        body: `<p id="signed-in-as">Signed in as <strong>${escapeHtml(user.displayName)}</strong> (${escapeHtml(user.username)})</p>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}"><button type="submit" id="logout">Sign out</button></form>`,
      }),
    );
  });

  scope.get('/api/whoami', async (request) => {
    const user = userOf(request);
    const session = request.portalSession;
    return {
      vendor: definition.id,
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
      ...(definition.account ? { tenant: definition.account } : {}),
      session: session
        ? {
            createdAt: new Date(session.createdAt).toISOString(),
            idleExpiresAt: new Date(session.lastSeenAt + kit.sessions.idleMs).toISOString(),
          }
        : null,
    };
  });

  scope.get('/api/csrf', async (request) => ({ csrfToken: request.portalSession?.csrfToken }));

  scope.post('/logout', async (request, reply) => {
    const session = request.portalSession;
    if (session) kit.sessions.destroy(session.id);
    kit.clearCookie(reply, sessionCookie);
    kit.logger.info({ user: session ? kit.users.byId(session.userId)?.username : undefined }, 'logged out');
    return wantsHtml(request) ? reply.redirect(kit.loginPath, 303) : reply.send({ loggedOut: true });
  });
}
