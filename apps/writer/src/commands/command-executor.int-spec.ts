import {
  canonicalId,
  newCommandId,
  type Command,
  type CommandResult,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  VendorCallError,
  VendorWriteError,
  defineWrite,
  markerOf,
  type CommandWrite,
  type ConnectorReadSide,
  type ConnectorWriteSide,
  type VendorCallFailure,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import {
  ChangeLog,
  TenantRepository,
  createDatabase,
  migrateToLatest,
  type DB,
} from '@fieldsync/persistence';
import { canonicalFactory, createTestDatabase, testConnectors, type TestDatabase } from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import { ConnectionRateLimiter } from '@fieldsync/platform';
import pino from 'pino';
import { Registry } from 'prom-client';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { CommandExecutor, type Disposition, type WriterOptions } from './command-executor';
import { requestFingerprint } from './command-intake.util';
import { WriterMetrics } from './writer.metrics';

const TENANT = 'tnt_writer';
const logger = pino({ level: 'silent' });

type Fault = VendorCallFailure | { kind: 'refuse'; field: string } | { kind: 'hang' };

/**
 * A vendor whose customers and appointments live in memory: `client.create` stamps the marker, `find`
 * looks for it, faults are scripted per call. It counts what reached it, which is what exactly-once is about.
 */
class ScriptedVendor {
  readonly customers = new Map<string, { id: string; name: string; marker: string }>();
  /** technician canonical id → bookings the vendor knows of (fresh read for conflict checks). */
  readonly bookings: { technicianId: string; appointmentId: string; start: string; end: string }[] = [];
  executes = 0;
  finds = 0;
  faults: Fault[] = [];
  /** A fault after the vendor applied the write (the answer is lost on the way back). */
  loseAnswers = 0;
  sessionsSeen: number[] = [];
  private serial = 100;

  private fault(ctx: WriteContext): void {
    this.sessionsSeen.push(Number(ctx.session.headers['x-version']));
    const next = this.faults.shift();
    if (!next) return;
    if (next.kind === 'refuse') {
      throw new VendorWriteError('vendor_rejected', `the vendor refused: ${next.field} is invalid`, {
        field: next.field,
        vendorCode: 'InvalidValue',
      });
    }
    if (next.kind === 'hang')
      throw new VendorCallError({ kind: 'unavailable', message: 'socket hang up' }, 'hang');
    throw new VendorCallError(next, `scripted ${next.kind}`);
  }

  private outcome<T extends CommandType>(
    connectionId: string,
    customer: { id: string; name: string },
  ): WriteOutcome<T> {
    return {
      records: [
        { kind: 'record', entity: 'customer', externalId: customer.id, raw: customer, deleted: false },
      ],
      result: { customerId: canonicalId(connectionId, 'customer', customer.id), locationIds: [] },
    };
  }

  readonly writeSide: ConnectorWriteSide = {
    vendor: 'servicetitan',
    writes: {
      'client.create': defineWrite('client.create', {
        carries: ['displayName'],
        find: async (ctx) => {
          this.finds += 1;
          this.fault(ctx);
          const found = [...this.customers.values()].find((c) => c.marker === ctx.marker);
          return found ? this.outcome(ctx.connectionId, found) : null;
        },
        execute: async (ctx, command) => {
          this.executes += 1;
          this.fault(ctx);
          this.serial += 1;
          const customer = { id: String(this.serial), name: command.payload.displayName, marker: ctx.marker };
          this.customers.set(customer.id, customer);
          if (this.loseAnswers > 0) {
            this.loseAnswers -= 1;
            throw new VendorCallError(
              { kind: 'unavailable', status: 502, message: 'HTTP 502' },
              'answer lost',
            );
          }
          return this.outcome(ctx.connectionId, customer);
        },
      }),
      'job.dispatch': defineWrite('job.dispatch', {
        carries: ['jobId', 'appointmentId', 'technicians', 'window', 'allowOverlap'],
        execute: async (ctx, command) => {
          this.executes += 1;
          this.fault(ctx);
          return {
            records: [],
            result: {
              jobId: command.payload.jobId,
              appointmentId: canonicalId(ctx.connectionId, 'appointment', '1'),
              technicianIds: command.payload.technicians?.technicianIds ?? [],
              scheduledStart: command.payload.window?.scheduledStart ?? null,
              scheduledEnd: command.payload.window?.scheduledEnd ?? null,
            },
          };
        },
        bookings: async () => [...this.bookings],
      }),
    },
  };

  readSide(): ConnectorReadSide {
    // Each connection's records carry its own ids (one executor may serve several connections).
    const factories = new Map<string, ReturnType<typeof canonicalFactory>>();
    const factoryOf = (connectionId: string) => {
      const factory = factories.get(connectionId) ?? canonicalFactory({ connectionId });
      factories.set(connectionId, factory);
      return factory;
    };
    return {
      vendor: 'servicetitan',
      // The writer never reads a stream; a connector declares at least one.
      streams: [
        {
          stream: 'customers',
          entities: ['customer'],
          intervalMs: 60_000,
          signalsDeletes: false,
          readPage: () => Promise.reject(new Error('the writer reads no stream')),
        },
      ],
      mapper: {
        toCanonical: (record, ctx) => {
          const raw = record.raw as { name: string };
          return factoryOf(ctx.connectionId).customer({
            externalId: record.externalId,
            displayName: raw.name,
          });
        },
      },
    };
  }
}

describe('CommandExecutor (Postgres, scripted vendor)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let serial = 0;

  beforeAll(async () => {
    database = await createTestDatabase('writer');
    db = createDatabase({ url: database.url, poolMax: 12 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: TENANT, name: 'Writer' });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  interface Harness {
    vendor: ScriptedVendor;
    executor: CommandExecutor;
    results: CommandResult[];
    connectionId: string;
    /** Every connection this harness's executor serves (the first is `connectionId`). */
    connectionIds: string[];
    invalidations: number;
    run: (
      command: Command,
      delivery?: Partial<{ deliveryCount: number; maxDeliver: number }>,
    ) => Promise<Disposition>;
    command: <T extends CommandType>(
      type: T,
      payload: unknown,
      key?: string,
      connectionId?: string,
    ) => Command;
  }

  async function harness(
    overrides: Partial<WriterOptions> = {},
    log: pino.Logger = logger,
    connectionCount = 1,
  ): Promise<Harness> {
    serial += 1;
    const connectionIds = Array.from({ length: connectionCount }, (_, i) =>
      i === 0 ? `con_wr${serial}` : `con_wr${serial}x${i}`,
    );
    const [connectionId] = connectionIds as [string];
    await db
      .insertInto('connections')
      .values(
        connectionIds.map((id) => ({
          id,
          tenant_id: TENANT,
          vendor: 'servicetitan' as const,
          portal_url: 'https://st.test',
          username: id,
          status: 'active' as const,
        })),
      )
      .execute();
    const vendor = new ScriptedVendor();
    const results: CommandResult[] = [];
    let version = 1;
    const h: Harness = {
      vendor,
      results,
      connectionId,
      connectionIds,
      invalidations: 0,
      executor: undefined as unknown as CommandExecutor,
      run: (command, delivery = {}) =>
        h.executor.execute(command, {
          deliveryCount: delivery.deliveryCount ?? 1,
          maxDeliver: delivery.maxDeliver ?? 20,
          signal: new AbortController().signal,
        }),
      command: (type, payload, key, on = connectionId) =>
        ({
          commandId: newCommandId(),
          idempotencyKey: key ?? `key-${on}-${Math.random()}`,
          tenantId: TENANT,
          connectionId: on,
          type,
          payload,
          requestedAt: new Date().toISOString(),
        }) as Command,
    };
    h.executor = new CommandExecutor({
      db,
      keys: new IdempotencyRepository(db),
      changeLog: new ChangeLog(db),
      connectors: testConnectors({
        vendor: 'servicetitan',
        readSide: vendor.readSide(),
        writeSide: vendor.writeSide,
      }),
      sessions: {
        acquire: async () => ({
          session: {
            headers: { 'x-version': String(version) },
            cookies: [],
            origin: 'https://st.test',
          } as never,
          sessionVersion: version,
        }),
        invalidate: async () => {
          h.invalidations += 1;
          version += 1;
          return { invalidated: true };
        },
      },
      limiter: new ConnectionRateLimiter(1_000),
      publishResult: async (_tenant, result) => {
        results.push(result);
      },
      metrics: new WriterMetrics(new Registry()),
      options: {
        workerId: 'writer-a',
        idempotencyTtlMs: 86_400_000,
        inFlightWaitMs: 2_000,
        leaseMs: 2_000,
        maxAttempts: 3,
        retryBaseMs: 5,
        retryMaxMs: 20,
        maxRetryAfterMs: 60_000,
        vendorTimeoutMs: 5_000,
        crashAfterVendorWrite: 0,
        ...overrides,
      },
      logger: log,
    });
    return h;
  }

  const events = (connectionId: string) =>
    db
      .selectFrom('change_events')
      .select(['type', 'entity_id', 'sequence'])
      .where('connection_id', '=', connectionId)
      .orderBy('sequence')
      .execute();

  it('executes a command once for the same key sent 5 times: succeeded, then replayed x4 with the stored result', async () => {
    const h = await harness();
    const key = 'order-42';
    const sends = Array.from({ length: 5 }, () =>
      h.command('client.create', { displayName: 'Ada Lovelace' }, key),
    );
    for (const command of sends) expect(await h.run(command)).toEqual({ kind: 'ack' });
    expect(h.vendor.executes).toBe(1);
    expect(h.vendor.customers.size).toBe(1);
    expect(h.results.map((r) => [r.commandId, r.status, r.replayed ?? false])).toEqual(
      sends.map((c, i) => [c.commandId, 'succeeded', i > 0]),
    );
    const [first, ...replays] = h.results;
    for (const replay of replays) expect(replay.result).toEqual(first?.result);
    // The canonical record and its one event, written in the transaction that completed the key.
    const customerId = first?.result?.['customerId'] as string;
    expect(await events(h.connectionId)).toEqual([
      { type: 'customer.created', entity_id: customerId, sequence: '1' },
    ]);
    const key42 = await db
      .selectFrom('idempotency_keys')
      .select(['state', 'recovery_point', 'attempts'])
      .where('tenant_id', '=', TENANT)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(key42).toEqual({ state: 'completed', recovery_point: 'vendor_call_done', attempts: 1 });
  });

  it('refuses the same key with a different request (idempotency_key_reused), executing nothing', async () => {
    const h = await harness();
    await h.run(h.command('client.create', { displayName: 'First' }, 'reused-key'));
    await h.run(h.command('client.create', { displayName: 'Second' }, 'reused-key'));
    expect(h.vendor.executes).toBe(1);
    expect(h.results[1]).toMatchObject({
      status: 'rejected',
      error: { code: 'idempotency_key_reused', field: 'idempotencyKey', retriable: false },
    });
  });

  it('lets a second send of a key in flight wait for the first and return its result', async () => {
    const h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handler = h.vendor.writeSide.writes['client.create'] as CommandWrite<'client.create'>;
    const execute = handler.execute;
    (handler as { execute: typeof execute }).execute = async (ctx, c) => {
      await gate;
      return execute(ctx, c);
    };
    const a = h.command('client.create', { displayName: 'Slow' }, 'in-flight');
    const b = h.command('client.create', { displayName: 'Slow' }, 'in-flight');
    const first = h.run(a);
    await new Promise((r) => setTimeout(r, 100));
    const second = h.run(b);
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    expect(h.vendor.executes).toBe(1);
    expect(h.results.map((r) => [r.commandId, r.status, r.replayed ?? false])).toEqual([
      [a.commandId, 'succeeded', false],
      [b.commandId, 'succeeded', true],
    ]);
  });

  it('after a crash past the vendor call, finds the marker on redelivery and does not write again', async () => {
    const h = await harness({ leaseMs: 1_000, inFlightWaitMs: 0 });
    const command = h.command('client.create', { displayName: 'Crash Test' });
    // The crashed attempt: key recorded, vendor call started and applied, then the process died.
    const keys = new IdempotencyRepository(db);
    const begun = await keys.begin({
      tenantId: TENANT,
      key: command.idempotencyKey,
      commandId: command.commandId,
      connectionId: h.connectionId,
      type: command.type,
      requestHash: requestFingerprint(command),
      workerId: 'writer-dead',
      leaseMs: 1_000,
      ttlMs: 86_400_000,
    });
    if (begun.kind !== 'execute') throw new Error('expected to hold the key');
    await keys.advance(begun.held, 'writer-dead', 'vendor_call_started');
    h.vendor.customers.set('77', {
      id: '77',
      name: 'Crash Test',
      marker: markerOf(TENANT, command.idempotencyKey),
    });
    // While the dead writer's lease is live, the redelivery is put back.
    expect(await h.run(command)).toMatchObject({ kind: 'nak' });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await h.run(command, { deliveryCount: 3 })).toEqual({ kind: 'ack' });
    expect(h.vendor.executes).toBe(0);
    expect(h.vendor.finds).toBe(1);
    expect(h.results).toEqual([
      expect.objectContaining({
        commandId: command.commandId,
        status: 'succeeded',
        result: { customerId: canonicalId(h.connectionId, 'customer', '77'), locationIds: [] },
      }),
    ]);
  });

  it('looks for the marker before retrying a write whose answer was lost (502 after the vendor applied it)', async () => {
    const h = await harness();
    h.vendor.loseAnswers = 1;
    await h.run(h.command('client.create', { displayName: 'Lost Answer' }));
    expect(h.vendor.executes).toBe(1);
    expect(h.vendor.finds).toBe(1);
    expect(h.vendor.customers.size).toBe(1);
    expect(h.results[0]).toMatchObject({ status: 'succeeded' });
  });

  it('on a 401 invalidates the session and retries once with a new one', async () => {
    const h = await harness();
    h.vendor.faults = [{ kind: 'unauthorized', status: 401 }];
    await h.run(h.command('client.create', { displayName: 'Reauth' }));
    expect(h.invalidations).toBe(1);
    expect(h.vendor.sessionsSeen).toEqual([1, 2]);
    expect(h.results[0]).toMatchObject({ status: 'succeeded' });
  });

  it("naks a 429 with the vendor's Retry-After, then executes on the redelivery", async () => {
    const h = await harness();
    h.vendor.faults = [{ kind: 'rate_limited', retryAfterMs: 7_000 }];
    const command = h.command('client.create', { displayName: 'Throttled' });
    expect(await h.run(command)).toEqual({
      kind: 'nak',
      delayMs: 7_000,
      reason: expect.any(String) as unknown,
    });
    expect(h.results).toEqual([]);
    expect(await h.run(command, { deliveryCount: 2 })).toEqual({ kind: 'ack' });
    expect(h.results[0]).toMatchObject({ status: 'succeeded' });
    expect(h.vendor.customers.size).toBe(1);
  });

  it('retries 5xx with backoff, then fails (not final) and dead-letters; the same key later runs again', async () => {
    const h = await harness();
    const down = { kind: 'unavailable', status: 503, message: 'HTTP 503' } as const;
    h.vendor.faults = [down, down, down];
    const command = h.command('client.create', { displayName: 'Down' }, 'down-key');
    expect(await h.run(command)).toMatchObject({ kind: 'dead_letter' });
    // The first try's answer was lost (it may have been applied): the next tries look for the marker first.
    expect([h.vendor.executes, h.vendor.finds]).toEqual([1, 2]);
    expect(h.results[0]).toMatchObject({
      status: 'failed',
      error: { code: 'vendor_unavailable', retriable: true },
    });
    const again = h.command('client.create', { displayName: 'Down' }, 'down-key');
    await h.run(again);
    expect(h.results[1]).toMatchObject({ commandId: again.commandId, status: 'succeeded' });
    expect([h.vendor.executes, h.vendor.finds]).toEqual([2, 3]);
    expect(h.vendor.customers.size).toBe(1);
  });

  it("stores a vendor refusal as the key's final result and replays it", async () => {
    const h = await harness();
    h.vendor.faults = [{ kind: 'refuse', field: 'payload.billingAddress.postalCode' }];
    await h.run(h.command('client.create', { displayName: 'Refused' }, 'refused-key'));
    await h.run(h.command('client.create', { displayName: 'Refused' }, 'refused-key'));
    expect(h.vendor.executes).toBe(1);
    expect(h.results.map((r) => [r.status, r.error?.code, r.error?.field, r.replayed ?? false])).toEqual([
      ['failed', 'vendor_rejected', 'payload.billingAddress.postalCode', false],
      ['failed', 'vendor_rejected', 'payload.billingAddress.postalCode', true],
    ]);
  });

  it('rejects a dispatch onto a booked technician with schedule_conflict, and executes it when overlap is allowed', async () => {
    const h = await harness();
    const tech = canonicalId(h.connectionId, 'technician', '9');
    h.vendor.bookings.push({
      technicianId: tech,
      appointmentId: canonicalId(h.connectionId, 'appointment', '555'),
      start: '2026-12-01T15:00:00Z',
      end: '2026-12-01T17:00:00Z',
    });
    const payload = (allowOverlap: boolean) => ({
      jobId: canonicalId(h.connectionId, 'job', '1'),
      technicians: { mode: 'assign', technicianIds: [tech] },
      window: { scheduledStart: '2026-12-01T16:00:00Z', scheduledEnd: '2026-12-01T18:00:00Z' },
      allowOverlap,
    });
    await h.run(h.command('job.dispatch', payload(false)));
    expect(h.vendor.executes).toBe(0);
    expect(h.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'schedule_conflict', field: 'payload.technicians.technicianIds' },
    });
    expect(h.results[0]?.error?.message).toContain(tech);
    await h.run(h.command('job.dispatch', payload(true)));
    expect(h.vendor.executes).toBe(1);
    expect(h.results[1]).toMatchObject({ status: 'succeeded' });
  });

  it('answers a command for an unknown connection with not_found naming connectionId', async () => {
    const h = await harness();
    const command = {
      ...h.command('client.create', { displayName: 'X' }),
      connectionId: 'con_missing',
    };
    await h.run(command);
    expect(h.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'not_found', field: 'connectionId' },
    });
  });

  it('refuses a command the connection’s vendor role lacks the entitlement for (forbidden naming it), keying nothing', async () => {
    const h = await harness();
    // what the session manager records at a login with ServiceTitan's Technician role (jobs, scheduling)
    await db
      .insertInto('sessions')
      .values({
        connection_id: h.connectionId,
        tenant_id: TENANT,
        state_encrypted: Buffer.from('sealed-state-unused-by-the-writer'),
        key_id: 'k1',
        user_info: JSON.stringify({
          id: 'st-tech',
          name: 'Terry Technician',
          role: 'Technician',
          entitlements: ['jobs', 'scheduling'],
        }),
      })
      .execute();
    const refused = h.command('client.create', { displayName: 'Not mine to create' });
    await h.run(refused);
    expect(h.results[0]).toMatchObject({
      commandId: refused.commandId,
      status: 'rejected',
      error: { code: 'forbidden', field: 'entitlement', retriable: false },
    });
    expect(h.results[0]?.error?.message).toMatch(
      /lacks the clients entitlement needed to send client\.create/,
    );
    expect(h.vendor.executes + h.vendor.finds).toBe(0);
    const keyed = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', refused.idempotencyKey)
      .execute();
    expect(keyed).toEqual([]);
    // the role's own entitlement goes through
    await h.run(
      h.command('job.dispatch', {
        jobId: canonicalId(h.connectionId, 'job', '1'),
        technicians: { mode: 'assign', technicianIds: [canonicalId(h.connectionId, 'technician', '9')] },
        window: { scheduledStart: '2026-05-01T15:00:00Z', scheduledEnd: '2026-05-01T16:00:00Z' },
        allowOverlap: true,
      }),
    );
    expect(h.results[1]).toMatchObject({ status: 'succeeded' });
  });

  const keyRow = (key: string) =>
    db
      .selectFrom('idempotency_keys')
      .select(['state', 'recovery_point', 'locked_by'])
      .where('tenant_id', '=', TENANT)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
  const commandRow = (commandId: string) =>
    db
      .selectFrom('commands')
      .select(['status', 'attempts'])
      .where('command_id', '=', commandId)
      .executeTakeFirstOrThrow();

  it('has the key at vendor_call_started and the command row in_progress before the vendor executes (a crash from then on looks for the marker); a booking dispatch checks the calendar at started first', async () => {
    const h = await harness();
    const seen: { step: string; point: string; row: string }[] = [];
    const watch = <T extends CommandType>(type: T, step: 'execute' | 'bookings') => {
      const handler = h.vendor.writeSide.writes[type] as CommandWrite<T>;
      const original = handler[step] as (ctx: WriteContext, c: Command) => Promise<unknown>;
      (handler as unknown as Record<string, unknown>)[step] = async (ctx: WriteContext, c: Command) => {
        const key = await keyRow(c.idempotencyKey);
        seen.push({
          step: `${type} ${step}`,
          point: key.recovery_point,
          row: (await commandRow(c.commandId)).status,
        });
        return original.call(handler, ctx, c);
      };
    };
    watch('client.create', 'execute');
    watch('job.dispatch', 'bookings');
    watch('job.dispatch', 'execute');
    await h.run(h.command('client.create', { displayName: 'Before The Call' }));
    await h.run(
      h.command('job.dispatch', {
        jobId: canonicalId(h.connectionId, 'job', '1'),
        technicians: { mode: 'assign', technicianIds: [canonicalId(h.connectionId, 'technician', '3')] },
        window: { scheduledStart: '2026-06-01T15:00:00Z', scheduledEnd: '2026-06-01T16:00:00Z' },
      }),
    );
    expect(seen).toEqual([
      { step: 'client.create execute', point: 'vendor_call_started', row: 'in_progress' },
      { step: 'job.dispatch bookings', point: 'started', row: 'in_progress' },
      { step: 'job.dispatch execute', point: 'vendor_call_started', row: 'in_progress' },
    ]);
    expect(h.results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(h.vendor.finds).toBe(0);
  });

  it('stores the outcomes of one connection’s concurrent commands in shared transactions (group commit): each key completed with its command row, one event each, sequences gap-free', async () => {
    const lines: { group?: number }[] = [];
    const capture = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { group?: number }) },
    );
    const h = await harness({}, capture);
    const commands = Array.from({ length: 20 }, (_, i) =>
      h.command('client.create', { displayName: `Group ${i}` }),
    );
    const dispositions = await Promise.all(commands.map((c) => h.run(c)));
    expect(dispositions).toEqual(commands.map(() => ({ kind: 'ack' })));
    expect(h.vendor.executes).toBe(20);
    expect(h.results.map((r) => r.status)).toEqual(commands.map(() => 'succeeded'));
    for (const c of commands) {
      expect(await keyRow(c.idempotencyKey)).toEqual({
        state: 'completed',
        recovery_point: 'vendor_call_done',
        locked_by: null,
      });
      expect(await commandRow(c.commandId)).toEqual({ status: 'succeeded', attempts: 1 });
    }
    const stored = await events(h.connectionId);
    expect(stored.map((e) => [e.type, e.sequence])).toEqual(
      commands.map((_, i) => ['customer.created', String(i + 1)]),
    );
    expect(new Set(stored.map((e) => e.entity_id))).toEqual(
      new Set(h.results.map((r) => r.result?.['customerId'])),
    );
    // Some commands shared a transaction (the first one's commit was still running when the others came).
    const groups = lines.flatMap((l) => (typeof l.group === 'number' ? [l.group] : []));
    expect(groups).toHaveLength(20);
    expect(Math.max(...groups)).toBeGreaterThan(1);
  });

  it('groups the outcomes of several connections into shared transactions: each connection’s events gap-free in its own sequence, each key completed with its records', async () => {
    const lines: { group?: number }[] = [];
    const capture = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { group?: number }) },
    );
    const h = await harness({}, capture, 4);
    const commands = Array.from({ length: 24 }, (_, i) =>
      h.command('client.create', { displayName: `Across ${i}` }, undefined, h.connectionIds[i % 4]),
    );
    expect(await Promise.all(commands.map((c) => h.run(c)))).toEqual(commands.map(() => ({ kind: 'ack' })));
    expect(h.vendor.executes).toBe(24);
    expect(h.results.map((r) => r.status)).toEqual(commands.map(() => 'succeeded'));
    for (const c of commands) {
      expect(await keyRow(c.idempotencyKey)).toEqual({
        state: 'completed',
        recovery_point: 'vendor_call_done',
        locked_by: null,
      });
      expect(await commandRow(c.commandId)).toEqual({ status: 'succeeded', attempts: 1 });
    }
    for (const connectionId of h.connectionIds) {
      const stored = await events(connectionId);
      expect(stored.map((e) => [e.type, e.sequence])).toEqual(
        ['1', '2', '3', '4', '5', '6'].map((n) => ['customer.created', n]),
      );
      const own = commands.filter((c) => c.connectionId === connectionId).map((c) => c.commandId);
      expect(new Set(stored.map((e) => e.entity_id))).toEqual(
        new Set(h.results.filter((r) => own.includes(r.commandId)).map((r) => r.result?.['customerId'])),
      );
    }
    // A transaction held more commands than one connection sent (6): commands of several connections.
    const groups = lines.flatMap((l) => (typeof l.group === 'number' ? [l.group] : []));
    expect(groups).toHaveLength(24);
    expect(Math.max(...groups)).toBeGreaterThan(6);
  });

  it('in a group commit, a command whose lease was taken over fails alone: the others complete, its key stays with the new holder', async () => {
    const h = await harness();
    const handler = h.vendor.writeSide.writes['client.create'] as CommandWrite<'client.create'>;
    const execute = handler.execute;
    (handler as { execute: typeof execute }).execute = async (ctx, c) => {
      if (c.payload.displayName === 'Stolen') {
        // Another writer took the key over while this one was at the vendor (its lease ran out).
        await db
          .updateTable('idempotency_keys')
          .set({ locked_by: 'writer-b' })
          .where('tenant_id', '=', TENANT)
          .where('key', '=', c.idempotencyKey)
          .execute();
      }
      return execute(ctx, c);
    };
    const commands = Array.from({ length: 10 }, (_, i) =>
      h.command('client.create', { displayName: i === 4 ? 'Stolen' : `Kept ${i}` }),
    );
    const stolen = commands[4] as Command;
    expect(await Promise.all(commands.map((c) => h.run(c)))).toEqual(commands.map(() => ({ kind: 'ack' })));
    // The stolen one is left to its new holder: no result from this writer, nothing stored for it.
    expect(h.results.map((r) => r.commandId).sort()).toEqual(
      commands
        .filter((c) => c !== stolen)
        .map((c) => c.commandId)
        .sort(),
    );
    expect(h.results.every((r) => r.status === 'succeeded')).toBe(true);
    expect(await keyRow(stolen.idempotencyKey)).toEqual({
      state: 'in_progress',
      recovery_point: 'vendor_call_started',
      locked_by: 'writer-b',
    });
    expect(await commandRow(stolen.commandId)).toEqual({ status: 'in_progress', attempts: 1 });
    const stored = await events(h.connectionId);
    expect(stored.map((e) => e.sequence)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(new Set(stored.map((e) => e.entity_id))).toEqual(
      new Set(h.results.map((r) => r.result?.['customerId'])),
    );
  });

  it('purges keys past their expiry, leaving live ones', async () => {
    const h = await harness({ idempotencyTtlMs: 60_000 });
    await h.run(h.command('client.create', { displayName: 'Old' }, 'old-key'));
    await db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('key', '=', 'old-key')
      .execute();
    await h.run(h.command('client.create', { displayName: 'New' }, 'new-key'));
    const purged = await new IdempotencyRepository(db).purgeExpired(100, 60_000);
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', 'in', ['old-key', 'new-key'])
      .execute();
    expect(left.map((r) => r.key)).toEqual(['new-key']);
  });
});
