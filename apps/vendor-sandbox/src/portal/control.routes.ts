import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultsInputSchema } from './fault.schema';
import { BULK_EDITABLE, WORLD_ENTITIES, type WorldEntity } from '@fieldsync/sandbox-world';
import type { SandboxWorldHost } from '../world-host/sandbox-world.host';
import type { PortalKit, VendorPortal } from './portal.types';

export interface ControlContext {
  kit: PortalKit;
  definition: VendorPortal;
  world: SandboxWorldHost;
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
const advanceSchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 3_600_000),
  })
  .strict();
const runSchema = z
  .object({
    speed: z.number().positive().max(86_400),
    ratePerMinute: z.number().positive().max(10_000).optional(),
  })
  .strict();
const burstSchema = z
  .object({ count: z.number().int().min(1).max(10_000), entity: z.enum(BULK_EDITABLE).optional() })
  .strict();
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
    world: ctx.world.describe(),
    endpoints: [
      'GET /__sandbox/users',
      'GET /__sandbox/outbox?to=&since=',
      'GET /__sandbox/logins',
      'GET /__sandbox/requests',
      'POST /__sandbox/reset',
      'POST /__sandbox/sessions/expire',
      'GET|POST|DELETE /__sandbox/faults',
      'GET /__sandbox/world',
      'POST /__sandbox/world/advance',
      'POST /__sandbox/world/run',
      'POST /__sandbox/world/stop',
      'POST /__sandbox/world/burst',
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

  app.get('/requests', async () => kit.requests.snapshot());

  app.post('/reset', async (request, reply) => {
    const parsed = resetSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    ctx.resetAll();
    if (parsed.data.world) ctx.world.reset(parsed.data.world);
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

  const exportable = (): readonly string[] => definition.groundTruth?.entities ?? WORLD_ENTITIES;

  app.get('/world', async () => ({ ...ctx.world.describe(), entities: exportable() }));
  app.post('/world/advance', async (request, reply) => {
    const parsed = advanceSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    return ctx.world.advance(parsed.data.ms);
  });
  app.post('/world/run', async (request, reply) => {
    const parsed = runSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    return { running: ctx.world.run(parsed.data) };
  });
  app.post('/world/stop', async () => {
    ctx.world.stop();
    return { running: null };
  });
  // The hard case of incremental sync: many rows sharing one modified timestamp.
  app.post('/world/burst', async (request, reply) => {
    const parsed = burstSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_request', issues: issues(parsed.error) });
    const events = ctx.world.activity.burst(
      parsed.data.count,
      parsed.data.entity ? { entity: parsed.data.entity } : {},
    );
    return {
      changes: events.filter((e) => e.ok).length,
      at: new Date(ctx.world.world.clock.now()).toISOString(),
    };
  });
  app.get<{ Params: { entity: string } }>('/world/export/:entity', async (request, reply) => {
    const { entity } = request.params;
    if (!exportable().includes(entity)) {
      return reply.code(404).send({ error: 'unknown_entity', entities: exportable() });
    }
    const world = ctx.world.world;
    const data = definition.groundTruth
      ? definition.groundTruth.export(world, entity)
      : world.store.snapshot(entity as WorldEntity);
    return { entity, count: data.length, data };
  });
}
