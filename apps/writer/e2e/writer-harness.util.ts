import {
  newCommandId,
  type CommandResult,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { JetStreamPublisher, commandSubject, connectNats, streamName } from '@fieldsync/messaging';
import { createDatabase, entityTable, migrateToLatest, type DB } from '@fieldsync/persistence';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  expectEventually,
  getTestServices,
  killSpawnedServices,
  readStreamJson,
  spawnReady,
  startSandbox,
  startSessionManager,
  uniqueStreamPrefix,
  userOf,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';

/*
 * The writer as a process, with everything real around it: the vendor sandbox (ServiceTitan and
 * Jobber by default, or the vendors a spec names: Housecall Pro, Workiz, Total Office Manager), the session manager with Chromium logins, the extractor filling the canonical store the
 * commands refer to, NATS streams under a private prefix and a scratch database.
 */

export const TENANT = 'tn_writer';

/** The vendors the harness connects. */
export type WriterVendor = 'servicetitan' | 'jobber' | 'housecallpro' | 'workiz' | 'tom';

/** An event on FSM_EVENTS as the specs read it. */
export interface LoggedEvent {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly connectionid?: string;
  readonly data?: { object?: Record<string, unknown>; changedFields?: string[] };
}

export interface WriterWorld {
  readonly sandbox: RunningSandbox;
  readonly db: Kysely<DB>;
  readonly nc: NatsConnection;
  readonly prefix: string;
  /** The connection of each vendor the world was started with (only those). */
  readonly connections: Readonly<Record<WriterVendor, string>>;
  /** Environment shared by the spawned services. */
  readonly env: Readonly<Record<string, string>>;
  /** Spawns a writer (extra env on top of the shared one) and waits until it is ready. */
  startWriter(env?: Record<string, string>): Promise<{ service: SpawnedService; port: number }>;
  /** Publishes a command as an integrator does: subject from its tenant/connection/type, Nats-Msg-Id = commandId. */
  publish(command: Record<string, unknown> & { commandId: string; type: string }): Promise<void>;
  /** Publishes raw bytes on a command subject (malformed commands). */
  publishRaw(subject: { connectionId: string; type: string }, data: Uint8Array, msgId: string): Promise<void>;
  /** A command envelope for a connection (new command id; the key defaults to the command id). */
  command<T extends CommandType>(
    vendor: WriterVendor,
    type: T,
    payload: unknown,
    key?: string,
  ): Record<string, unknown> & { commandId: string; idempotencyKey: string; type: T };
  /** Every result on FSM_RESULTS so far. */
  results(): Promise<CommandResult[]>;
  /** Waits until `commandIds` each have a result and returns them in that order. */
  resultsFor(commandIds: readonly string[], timeoutMs?: number): Promise<CommandResult[]>;
  /** Every event on FSM_EVENTS so far. */
  events(): Promise<LoggedEvent[]>;
  /** Live canonical rows of an entity for a vendor's connection (id, external id, document). */
  stored(
    vendor: WriterVendor,
    entity: EntityType,
  ): Promise<{ id: string; externalId: string; document: Record<string, unknown> }[]>;
  /** The sandbox's ground truth export of one entity for a vendor. */
  groundTruth(vendor: WriterVendor, entity: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Sets up the world: sandbox, session manager, a connection per vendor, the extractor (store backfilled). */
export async function startWriterWorld(options: {
  name: string;
  /** The vendors to connect (default ServiceTitan and Jobber). */
  vendors?: readonly WriterVendor[];
  sandboxSize?: string;
  /** Extra env for the extractor. */
  extractorEnv?: Record<string, string>;
}): Promise<WriterWorld> {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix(options.name.slice(0, 8));
  const database: TestDatabase = await createTestDatabase(`writer_${options.name}`);
  const db = createDatabase({ url: database.url });
  await migrateToLatest(db);
  // The world's clock follows the wall clock: the writer looks for a crashed attempt's records by the
  // vendor's timestamps from its own clock, as it would at a real vendor.
  const sandbox = await startSandbox({
    SANDBOX_SIZE: options.sandboxSize ?? '60',
    SANDBOX_SEED: '11',
    SANDBOX_CLOCK: 'wall',
  });
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    NATS_URL: services.natsUrl,
    FIELDSYNC_STREAM_PREFIX: prefix,
    FIELDSYNC_STREAM_STORAGE: 'memory',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const manager = await startSessionManager(env);
  await manager.admin('PUT', `/tenants/${TENANT}`, { name: 'Writer e2e' });
  const vendors = options.vendors ?? (['servicetitan', 'jobber'] as const);
  const logins: Record<WriterVendor, () => Promise<Record<string, unknown>>> = {
    servicetitan: async () => ({
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      mfa: { method: 'totp', secret: (await userOf(sandbox.portal('servicetitan'), 'st.admin')).totpSecret },
    }),
    // The account owner: the office staff role has no payments entitlement (the writer refuses
    // payment.record for it, forbidden). Its SMS two-step (a new device) goes through the MFA relay.
    jobber: () =>
      Promise.resolve({
        username: 'owner@greenleaf-hvac.example',
        password: 'Sandbox!Owner1',
        mfa: { method: 'sms', phone: '+15555550201' },
      }),
    // The office user signs in without the SMS step (the owner's SMS login is the session manager's e2e).
    housecallpro: () =>
      Promise.resolve({ username: 'office@brightside-plumbing.example', password: 'Sandbox!Office1' }),
    workiz: () => Promise.resolve({ username: 'admin@workiz.sandbox.example', password: 'Sandbox!Admin1' }),
    tom: () => Promise.resolve({ username: 'tomrds\\admin01', password: 'Sandbox1Admin' }),
  };
  const connections = {} as Record<WriterVendor, string>;
  for (const vendor of vendors) {
    const connection = await manager.admin('POST', '/connections', {
      tenantId: TENANT,
      vendor,
      portalUrl: sandbox.portal(vendor).url,
      ...(await logins[vendor]()),
    });
    connections[vendor] = connection.id;
  }
  const nc = await connectNats({
    servers: services.natsUrl,
    name: `writer-e2e-${options.name}`,
    timeoutMs: 5_000,
  });
  const publisher = new JetStreamPublisher({ nc, prefix });

  await spawnReady('extractor', (port) => ({
    ...env,
    PORT: String(port),
    EXTRACTOR_CONNECTIONS_REFRESH: '1s',
    EXTRACTOR_STREAM_INTERVALS: 'jobs=2s,appointments=2s,appointment-assignments=2s,clients=2s,invoices=2s',
    ...options.extractorEnv,
  }));

  const stored: WriterWorld['stored'] = async (vendor, entity) => {
    const { table } = entityTable(entity);
    const rows = await db
      .selectFrom(table as 'customers')
      .select(['id', 'external_id', 'document'])
      .where('connection_id', '=', connections[vendor])
      .where('deleted_at', 'is', null)
      .orderBy('external_id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      document: r.document as unknown as Record<string, unknown>,
    }));
  };

  // The commands refer to canonical ids: wait until both backfills stored the entities they use.
  await expectEventually(
    async () => {
      for (const vendor of vendors) {
        for (const entity of [
          'customer',
          'location',
          'technician',
          'job',
          'appointment',
          'invoice',
        ] as const) {
          if ((await stored(vendor, entity)).length === 0)
            throw new Error(`no ${entity} stored for ${vendor} yet`);
        }
      }
      const pending = await sql<{ n: number }>`
        select count(*)::int as n from sync_cursors where last_success_at is null`.execute(db);
      if ((pending.rows[0]?.n ?? 1) > 0) throw new Error('a stream has not completed its first pass');
    },
    { timeoutMs: 240_000, intervalMs: 1_000 },
  );

  const results = () => readStreamJson<CommandResult>(nc, streamName('results', prefix));
  return {
    sandbox,
    db,
    nc,
    prefix,
    connections,
    env,
    async startWriter(extra = {}) {
      return spawnReady('writer', (port) => ({ ...env, PORT: String(port), ...extra }), {
        readyTimeoutMs: 60_000,
      });
    },
    async publish(command) {
      await publisher.publish(
        commandSubject({
          tenantId: String(command['tenantId']),
          connectionId: String(command['connectionId']),
          type: command.type,
        }),
        command,
        { msgId: command.commandId, tenantId: TENANT },
      );
    },
    async publishRaw(subject, data, msgId) {
      await publisher.publish(commandSubject({ tenantId: TENANT, ...subject }), data, {
        msgId,
        tenantId: TENANT,
      });
    },
    command(vendor, type, payload, key) {
      if (connections[vendor] === undefined) throw new Error(`the writer world has no ${vendor} connection`);
      const commandId = newCommandId();
      return {
        commandId,
        idempotencyKey: key ?? commandId,
        tenantId: TENANT,
        connectionId: connections[vendor],
        type,
        payload,
        requestedAt: new Date().toISOString(),
      } as never;
    },
    results,
    async resultsFor(commandIds, timeoutMs = 90_000) {
      let found: CommandResult[] = [];
      await expectEventually(
        async () => {
          const all = await results();
          const byId = new Map(all.map((r) => [r.commandId, r]));
          const missing = commandIds.filter((id) => !byId.has(id));
          if (missing.length > 0)
            throw new Error(`no result yet for ${missing.length} of ${commandIds.length} commands`);
          found = commandIds.map((id) => byId.get(id) as CommandResult);
        },
        { timeoutMs, intervalMs: 250 },
      );
      return found;
    },
    events: () => readStreamJson<LoggedEvent>(nc, streamName('events', prefix)),
    stored,
    async groundTruth(vendor, entity) {
      const body = await sandbox
        .portal(vendor)
        .control<{ data: Record<string, unknown>[] }>('GET', `world/export/${entity}`);
      return body.data;
    },
    async close() {
      await nc.close().catch(() => undefined);
      await killSpawnedServices();
      await db.destroy().catch(() => undefined);
      await database.drop().catch(() => undefined);
      await deleteStreamsWithPrefix(prefix).catch(() => undefined);
    },
  };
}
