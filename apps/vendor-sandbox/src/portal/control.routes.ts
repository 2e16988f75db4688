import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultsInputSchema } from './fault.schema';
import type { PortalKit, SandboxWorldControl, VendorPortal } from './portal.types';

export interface ControlContext {
  kit: PortalKit;
  definition: VendorPortal;
  world: SandboxWorldControl | undefined;
  resetAll(): void;
  port(): number;
}

const resetSchema = z
  .object({
    world: z
      .object({ seed: z.number().int(), size: z.number().int().min(1) })
      .strict()
      .optional(),
  })
  .strict();
const expireSchema = z.object({ user: z.string().min(1).optional() }).strict();
const advanceSchema = z.object({ ms: z.number().int().min(0) }).strict();
const outboxQuery = z.object({ to: z.string().optional(), since: z.string().optional() });

function parseSince(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(n) ? n : 'invalid';
}

function issues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * The control API under `/__sandbox/` of one portal: for tests and development only, no
 * authentication. Faults never apply here.
 */
export function registerControlRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const { kit, definition } = ctx;

  app.get('/', async () => ({
    vendor: definition.id,
    name: definition.name,
    port: ctx.port(),
    loginPath: kit.loginPath,
    homePath: kit.homePath,
    world: ctx.world !== undefined,
    endpoints: [
      'GET /__sandbox/users',
      'GET /__sandbox/outbox?to=&since=',
      'GET /__sandbox/logins',
      'POST /__sandbox/reset',
      'POST /__sandbox/sessions/expire',
      'GET|POST|DELETE /__sandbox/faults',
      'POST /__sandbox/world/advance',
      'GET /__sandbox/world/export/:entity',
    ],
  }));

  app.get('/users', async () => ({
    users: kit.users.all().map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      mfa: u.mfa,
      phone: u.phone ?? null,
      email: u.email ?? null,
      totpSecret: u.totpSecret ?? null,
      sso: u.sso ?? false,
      locked: kit.lockout.status(u.id).locked,
    })),
  }));

  app.get('/outbox', async (request, reply) => {
    const query = outboxQuery.parse(request.query);
    const since = parseSince(query.since);
    if (since === 'invalid') {
      return reply.code(400).send({ error: 'invalid_request', message: 'since: ISO-8601 or epoch ms' });
    }
    return { messages: kit.outbox.list({ to: query.to, since }) };
  });

  app.get('/logins', async () => {
    const snapshot = kit.counters.snapshot();
    const byId = (id: string) => kit.users.byId(id)?.username ?? id;
    return {
      ...snapshot,
      locked: kit.lockout.lockedUsers().map(byId),
      activeSessions: Object.fromEntries(
        Object.entries(kit.sessions.activeByUser()).map(([id, n]) => [byId(id), n]),
      ),
    };
  });

  app.post('/reset', async (request, reply) => {
    const parsed = resetSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    if (parsed.data.world && !ctx.world) {
      return reply
        .code(501)
        .send({ error: 'world_unavailable', message: 'no world is wired into the sandbox' });
    }
    ctx.resetAll();
    if (parsed.data.world && ctx.world) await ctx.world.reset(parsed.data.world);
    kit.logger.info({ world: parsed.data.world ?? null }, 'sandbox reset');
    return { reset: true, world: parsed.data.world ?? null };
  });

  app.post('/sessions/expire', async (request, reply) => {
    const parsed = expireSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    let userId: string | undefined;
    if (parsed.data.user !== undefined) {
      const user = kit.users.byUsername(parsed.data.user) ?? kit.users.byId(parsed.data.user);
      if (!user) return reply.code(404).send({ error: 'unknown_user' });
      userId = user.id;
    }
    const expired = kit.sessions.expire(userId);
    kit.logger.info({ user: parsed.data.user ?? '(all)', expired }, 'sessions expired by the control API');
    return { expired };
  });

  app.get('/faults', async () => kit.faults.get());
  app.post('/faults', async (request, reply) => {
    const parsed = faultsInputSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    const faults = kit.faults.set(parsed.data);
    kit.logger.info({ faults }, 'faults set');
    return faults;
  });
  app.delete('/faults', async () => {
    kit.faults.clear();
    kit.logger.info('faults cleared');
    return kit.faults.get();
  });

  app.post('/world/advance', async (request, reply) => {
    if (!ctx.world) return reply.code(501).send({ error: 'world_unavailable' });
    const parsed = advanceSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    return ctx.world.advance(parsed.data.ms);
  });
  app.get<{ Params: { entity: string } }>('/world/export/:entity', async (request, reply) => {
    if (!ctx.world) return reply.code(501).send({ error: 'world_unavailable' });
    if (!ctx.world.entities().includes(request.params.entity)) {
      return reply.code(404).send({ error: 'unknown_entity', entities: ctx.world.entities() });
    }
    return { entity: request.params.entity, data: await ctx.world.exportEntity(request.params.entity) };
  });
}
