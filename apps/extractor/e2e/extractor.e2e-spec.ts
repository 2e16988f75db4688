import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { stringifyCanonical, type EntityType, type Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide, SyncContext } from '@fieldsync/connector-kit';
import { connectNats, streamName } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { SessionClient } from '@fieldsync/session-client';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  expectEventually,
  freePort,
  getTestServices,
  killSpawnedServices,
  spawnService,
  startSandbox,
  uniqueStreamPrefix,
  userOf,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { entityTable } from '../src/store/entity-tables.constants';
import { connectorReadSides } from '../src/sync/read-sides.registry';

/*
 * The extractor as a process with the real session manager, the real vendor sandbox (both vendors) and
 * Chromium logins: after the backfill, the canonical store holds exactly what the connectors read from
 * the vendor (field by field through the mapping, deletes as tombstones), one `<entity>.created` event
 * per stored record reached FSM_EVENTS through the outbox; after the activity clock moves, the store
 * follows, with one event per real change and none without.
 */

jest.setTimeout(480_000);

const ADMIN = `admin-${randomBytes(16).toString('hex')}`;
const STREAMS = [
  ...['customers', 'locations', 'contacts', 'technicians', 'jobs', 'appointments', 'appointment-assignments'],
  ...[
    'estimates',
    'invoices',
    'payments',
    'pricebook-items',
    'memberships',
    'installed-equipment',
    'clients',
  ],
  ...['properties', 'quotes', 'requests', 'users', 'payment-records', 'products-and-services'],
];

interface Expected {
  live: Map<string, unknown>;
  deleted: Set<string>;
}

describe('extractor against the vendor sandbox (real session manager, Chromium, both vendors)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('extract');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let sessions: SessionClient;
  let nc: NatsConnection;
  let extractor: SpawnedService;
  const connections: { id: string; vendor: Vendor }[] = [];
  const sides = connectorReadSides();
  let common: Record<string, string> = {};
  let admin: (method: string, path: string, body: unknown) => Promise<{ id: string }>;

  /** Starts the extractor process (every stream every 2 s, reconciliation every 5 s) and waits until ready. */
  let extractorPort = 0;
  async function startExtractor(): Promise<SpawnedService> {
    const port = await freePort();
    extractorPort = port;
    const service = spawnService('extractor', {
      ...common,
      PORT: String(port),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
      EXTRACTOR_LEASE: '3s',
      // Jobber lists no deletions: a vendor-side delete is found by the next full reconciliation, which
      // the test brings forward from the default 6 h.
      EXTRACTOR_RECONCILE_INTERVAL: '5s',
      // Every stream every 2 s (the readers' defaults go up to an hour for the pricebook).
      EXTRACTOR_STREAM_INTERVALS: STREAMS.map((stream) => `${stream}=2s`).join(','),
    });
    await service.waitReady(port);
    return service;
  }

  /** Everything the connector reads now, mapped: per entity, live documents by external id and deletions. */
  async function readAll(connectionId: string, vendor: Vendor): Promise<Map<EntityType, Expected>> {
    const side = sides.get(vendor) as ConnectorReadSide;
    const { session } = await sessions.acquire(connectionId);
    const ctx: SyncContext = {
      tenantId: 'tn_x',
      connectionId,
      vendor,
      session,
      logger: pino({ level: 'silent' }),
      signal: AbortSignal.timeout(120_000),
      now: () => new Date(),
    };
    const out = new Map<EntityType, Expected>();
    for (const stream of side.streams) {
      let checkpoint: string | null = null;
      for (;;) {
        const page = await readWithRetry(() => stream.readPage(ctx, checkpoint));
        for (const record of page.records) {
          if (record.kind !== 'record') continue;
          const entry = out.get(record.entity) ?? { live: new Map(), deleted: new Set<string>() };
          out.set(record.entity, entry);
          if (record.deleted) {
            entry.deleted.add(record.externalId);
            entry.live.delete(record.externalId);
          } else {
            const object = side.mapper.toCanonical(record, { tenantId: 'tn_x', connectionId });
            entry.live.set(record.externalId, JSON.parse(stringifyCanonical(object)) as unknown);
            entry.deleted.delete(record.externalId);
          }
        }
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
    }
    return out;
  }

  async function stored(
    connectionId: string,
    entity: EntityType,
  ): Promise<{ live: Map<string, unknown>; deleted: Set<string> }> {
    const { table } = entityTable(entity);
    const rows = await sql<{ external_id: string; document: unknown; deleted_at: Date | null }>`
      select external_id, document, deleted_at from ${sql.table(table)} where connection_id = ${connectionId}`.execute(
      db,
    );
    const live = new Map<string, unknown>();
    const deleted = new Set<string>();
    for (const row of rows.rows) {
      if (row.deleted_at) deleted.add(row.external_id);
      else live.set(row.external_id, row.document);
    }
    return { live, deleted };
  }

  async function expectStoreToEqualVendor(): Promise<number> {
    let total = 0;
    for (const { id, vendor } of connections) {
      const expected = await readAll(id, vendor);
      await expectEventually(
        async () => {
          for (const [entity, want] of expected) {
            const got = await stored(id, entity);
            expect({ vendor, entity, ids: [...got.live.keys()].sort() }).toEqual({
              vendor,
              entity,
              ids: [...want.live.keys()].sort(),
            });
            for (const [externalId, document] of want.live) {
              expect({ vendor, entity, externalId, document: got.live.get(externalId) }).toEqual({
                vendor,
                entity,
                externalId,
                document,
              });
            }
            for (const externalId of want.deleted) {
              // A record the vendor deleted is a tombstone, or was never stored when first seen deleted.
              expect(got.live.has(externalId)).toBe(false);
            }
          }
        },
        { timeoutMs: 90_000, intervalMs: 2_000 },
      );
      for (const want of expected.values()) total += want.live.size;
    }
    return total;
  }

  async function events(): Promise<{ id: string; type: string; subject: string; connectionid?: string }[]> {
    const jsm = await jetstreamManager(nc);
    const stream = streamName('events', prefix);
    const count = (await jsm.streams.info(stream)).state.messages;
    if (count === 0) return [];
    const consumer = await jetstream(nc).consumers.get(stream);
    const out: { id: string; type: string; subject: string; connectionid?: string }[] = [];
    for await (const m of await consumer.fetch({ max_messages: count, expires: 5_000 })) {
      out.push(m.json());
      if (out.length === count) break;
    }
    return out;
  }

  beforeAll(async () => {
    database = await createTestDatabase('extractor_e2e');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_SIZE: '150', SANDBOX_SEED: '5' });
    common = {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    const smPort = await freePort();
    const manager = spawnService('session-manager', {
      ...common,
      PORT: String(smPort),
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      FIELDSYNC_ADMIN_TOKEN: ADMIN,
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
    });
    await manager.waitReady(smPort);
    admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${smPort}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { id: string };
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await admin('PUT', '/tenants/tn_x', { name: 'Extractor e2e' });
    const st = sandbox.portal('servicetitan');
    const jobber = sandbox.portal('jobber');
    const stConnection = await admin('POST', '/connections', {
      tenantId: 'tn_x',
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      mfa: { method: 'totp', secret: (await userOf(st, 'st.admin')).totpSecret },
    });
    const jobberConnection = await admin('POST', '/connections', {
      tenantId: 'tn_x',
      vendor: 'jobber',
      portalUrl: jobber.url,
      username: 'office@greenleaf-hvac.example',
      password: 'Sandbox!Office1',
    });
    connections.push(
      { id: stConnection.id, vendor: 'servicetitan' },
      { id: jobberConnection.id, vendor: 'jobber' },
    );
    sessions = new SessionClient({
      service: 'extractor',
      servers: services.natsUrl,
      prefix,
      timeoutMs: 120_000,
    });
    await sessions.connect();
    nc = await connectNats({ servers: services.natsUrl, name: 'extractor-e2e', timeoutMs: 5_000 });
    extractor = await startExtractor();
  });

  afterAll(async () => {
    await sessions?.close();
    await nc?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('backfills both vendors: the store equals what the connectors read, one created event per record', async () => {
    const total = await expectStoreToEqualVendor();
    expect(total).toBeGreaterThan(100);
    const ids = new Set(connections.map((c) => c.id));
    await expectEventually(
      async () => {
        const all = (await events()).filter((e) => e.connectionid !== undefined && ids.has(e.connectionid));
        expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
        expect(all.filter((e) => e.type.endsWith('.created')).length).toBeGreaterThanOrEqual(total);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(extractor.output()).not.toMatch(/"level":50/);
  });

  it('follows the activity clock: the store catches up, each change once, nothing re-announced', async () => {
    const before = (await events()).length;
    for (const vendor of ['servicetitan', 'jobber'] as const) {
      await sandbox.portal(vendor).control('POST', 'world/advance', { ms: 3 * 3_600_000 });
    }
    try {
      await expectStoreToEqualVendor();
    } catch (error) {
      const lines = extractor
        .output()
        .split('\n')
        .filter((l) => /reconcil|"level":(40|50)|clients/.test(l))
        .slice(-40);
      throw new Error(`${String(error)}\n--- extractor log ---\n${lines.join('\n')}`);
    }
    const after = await events();
    expect(new Set(after.map((e) => e.id)).size).toBe(after.length);
    const fresh = after.slice(before).filter((e) => e.connectionid !== undefined);
    expect(fresh.length).toBeGreaterThan(0);
    // A quiet period after catching up adds no event: nothing changed, nothing is announced.
    await new Promise((r) => setTimeout(r, 10_000));
    const quiet = (await events()).filter(
      (e) => e.connectionid !== undefined && !e.type.startsWith('session.'),
    );
    const settled = after.filter((e) => e.connectionid !== undefined && !e.type.startsWith('session.'));
    expect(quiet.length).toBe(settled.length);
  });

  it('SIGKILLed at random points during a backfill and restarted: the same store, each record created once', async () => {
    await extractor.stop('SIGKILL');
    const st = sandbox.portal('servicetitan');
    const { id } = await admin('POST', '/connections', {
      tenantId: 'tn_x',
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.csr',
      password: 'Sandbox!Csr1',
      mfa: { method: 'totp', secret: (await userOf(st, 'st.csr')).totpSecret },
    });
    connections.push({ id, vendor: 'servicetitan' });
    await sessions.acquire(id); // the login (TOTP) happens here, not inside the kill window
    for (let kill = 0; kill < 4; kill += 1) {
      const running = await startExtractor();
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1_700)));
      await running.stop('SIGKILL');
    }
    extractor = await startExtractor();
    await expectStoreToEqualVendor();
    await expectEventually(
      async () => {
        // The connection's entity events (its session.* and connection.* events come from the session manager).
        const mine = (await events()).filter(
          (e) => e.connectionid === id && !/^(session|connection)\./.test(e.type),
        );
        expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
        const created = new Map<string, number>();
        for (const e of mine.filter((x) => x.type.endsWith('.created'))) {
          created.set(e.subject, (created.get(e.subject) ?? 0) + 1);
        }
        expect(created.size).toBeGreaterThan(50);
        expect([...created.values()].every((n) => n === 1)).toBe(true);
        // Nothing changed at the vendor: a record is announced once, created, and never updated.
        expect(mine.filter((x) => !x.type.endsWith('.created'))).toEqual([]);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
  });

  it('completes a backfill through 10 % faults (429, 503, slowness) and a session expiry, with the same result', async () => {
    const st = sandbox.portal('servicetitan');
    await st.control('POST', 'faults', {
      seed: 7,
      rateLimit: { rate: 0.05, retryAfterSeconds: 1 },
      serverError: { rate: 0.05, status: 503 },
      latencyMs: 25,
    });
    try {
      const { id } = await admin('POST', '/connections', {
        tenantId: 'tn_x',
        vendor: 'servicetitan',
        portalUrl: st.url,
        username: 'st.dispatch',
        password: 'Sandbox!Dispatch1',
        mfa: { method: 'sms', phone: '+15555550101' },
      });
      connections.push({ id, vendor: 'servicetitan' });
      // The vendor ends the session mid-backfill: the extractor gets 401s, invalidates, logs in again (SMS).
      await new Promise((r) => setTimeout(r, 2_500));
      await st.control('POST', 'sessions/expire', { user: 'st.dispatch' });
      await expectEventually(
        async () => {
          const cursors = await db
            .selectFrom('sync_cursors')
            .select(['entity_type', 'last_success_at'])
            .where('connection_id', '=', id)
            .execute();
          expect(cursors.length).toBeGreaterThan(10);
          expect(cursors.every((c) => c.last_success_at !== null)).toBe(true);
        },
        { timeoutMs: 120_000, intervalMs: 2_000 },
      );
    } finally {
      await st.control('DELETE', 'faults');
    }
    await expectStoreToEqualVendor();
    // The faults were met and retried, not avoided.
    const metrics = await (await fetch(`http://127.0.0.1:${extractorPort}/metrics`)).text();
    const retried = [...metrics.matchAll(/^fsm_extractor_vendor_retries_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    expect(retried).toBeGreaterThan(0);
  });
});

/**
 * The test's own reads share the vendor's limits with the extractor running beside it (Jobber's cost
 * bucket above all): rate limits and outages are waited out until a deadline, not a number of attempts.
 */
async function readWithRetry<T>(read: () => Promise<T>, deadlineMs = 150_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      const failure = (error as { failure?: { kind: string; retryAfterMs?: number } }).failure;
      if (!failure || failure.kind === 'unauthorized' || Date.now() > deadline) throw error;
      const wait = Math.min(10_000, Math.max(250, failure.retryAfterMs ?? 1_000));
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
