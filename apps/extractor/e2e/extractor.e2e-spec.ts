import type { NatsConnection } from '@nats-io/transport-node';
import type { Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { connectNats, streamName } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  expectEventually,
  getTestServices,
  killSpawnedServices,
  spawnReady,
  startSandbox,
  uniqueStreamPrefix,
  userOf,
  type RunningSandbox,
  type SpawnedService,
  type TestDatabase,
  startSessionManager,
  type RunningSessionManager,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { readSidesOf } from '../src/sync/extractor.module';
import { readEventLog, type LoggedEvent } from './event-log.util';
import {
  eventKey,
  expectedEvents,
  groundTruth,
  liveCount,
  multisetMinus,
  storeMismatches,
  storeState,
} from './ground-truth.util';

/*
 * The extractor as a process with the real session manager, the real vendor sandbox (both vendors) and
 * Chromium logins: after the backfill, the canonical store equals the sandbox's ground truth export
 * (field by field through the mapping, see ground-truth.util.ts; deletes as tombstones), one `<entity>.created` event
 * per stored record reached FSM_EVENTS through the outbox; after the activity clock moves, the store
 * follows, with one event per real change and none without.
 */

jest.setTimeout(480_000);

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

describe('extractor against the vendor sandbox (real session manager, Chromium, both vendors)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('extract');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let nc: NatsConnection;
  let extractor: SpawnedService;
  const connections: { id: string; vendor: Vendor }[] = [];
  const sides = readSidesOf(CONNECTORS);
  let common: Record<string, string> = {};
  let admin: RunningSessionManager['admin'];

  /** Starts the extractor process (every stream every 2 s, reconciliation every 5 s) and waits until ready. */
  let extractorPort = 0;
  async function startExtractor(): Promise<SpawnedService> {
    const { service, port } = await spawnReady('extractor', (p) => ({
      ...common,
      PORT: String(p),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
      EXTRACTOR_LEASE: '3s',
      // Jobber lists no deletions: a vendor-side delete is found by the next full reconciliation, which
      // the test brings forward from the default 6 h.
      EXTRACTOR_RECONCILE_INTERVAL: '5s',
      // Every stream every 2 s (the readers' defaults go up to an hour for the pricebook).
      EXTRACTOR_STREAM_INTERVALS: STREAMS.map((stream) => `${stream}=2s`).join(','),
    }));
    extractorPort = port;
    return service;
  }

  /**
   * Waits until every connection's store equals the sandbox's ground truth (field by field through the
   * mapping, vendor-deleted records never live) and returns the number of live records compared.
   */
  async function expectStoreToEqualGroundTruth(): Promise<number> {
    let total = 0;
    for (const { id, vendor } of connections) {
      const side = sides.get(vendor) as ConnectorReadSide;
      let compared = 0;
      await expectEventually(
        async () => {
          const truth = await groundTruth(sandbox.portal(vendor), side, {
            tenantId: 'tn_x',
            connectionId: id,
          });
          expect(storeMismatches(truth, await storeState(db, truth))).toEqual([]);
          compared = liveCount(truth);
        },
        { timeoutMs: 90_000, intervalMs: 2_000 },
      );
      total += compared;
    }
    return total;
  }

  async function events(): Promise<LoggedEvent[]> {
    return readEventLog(nc, streamName('events', prefix));
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
    const manager = await startSessionManager(common);
    admin = manager.admin.bind(manager);
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
    nc = await connectNats({ servers: services.natsUrl, name: 'extractor-e2e', timeoutMs: 5_000 });
    extractor = await startExtractor();
  });

  afterAll(async () => {
    await nc?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('backfills both vendors: the store equals the ground truth, exactly one created event per live record', async () => {
    const total = await expectStoreToEqualGroundTruth();
    expect(total).toBeGreaterThan(100);
    const truths = await Promise.all(
      connections.map(({ id, vendor }) =>
        groundTruth(sandbox.portal(vendor), sides.get(vendor) as ConnectorReadSide, {
          tenantId: 'tn_x',
          connectionId: id,
        }),
      ),
    );
    // From nothing to the ground truth: a created event for each live record, nothing else.
    const want = truths
      .flatMap((truth) => expectedEvents({ ...truth, entities: new Map() }, truth))
      .map(eventKey);
    const ids = new Set(connections.map((c) => c.id));
    await expectEventually(
      async () => {
        const all = (await events()).filter(
          (e) =>
            e.connectionid !== undefined &&
            ids.has(e.connectionid) &&
            !/^(session|connection)\./.test(e.type),
        );
        expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
        const got = all.map((e) => eventKey({ ...e, changedFields: e.data?.changedFields ?? [] }));
        expect({ missing: multisetMinus(want, got), extra: multisetMinus(got, want) }).toEqual({
          missing: [],
          extra: [],
        });
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(extractor.output()).not.toMatch(/"level":50/);
    // Progress: each vendor's readers told the backfill how many records to expect (the ETA's basis).
    const completed = extractor
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"pass complete"'))
      .map((line) => JSON.parse(line) as { vendor: string; stream: string; total: number | null });
    for (const vendor of ['servicetitan', 'jobber']) {
      expect(completed.filter((l) => l.vendor === vendor && (l.total ?? 0) > 0).length).toBeGreaterThan(3);
    }
  });

  it('follows the activity clock: the store catches up, each change once, nothing re-announced', async () => {
    const before = (await events()).length;
    for (const vendor of ['servicetitan', 'jobber'] as const) {
      await sandbox.portal(vendor).control('POST', 'world/advance', { ms: 3 * 3_600_000 });
    }
    try {
      await expectStoreToEqualGroundTruth();
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
    await expectStoreToEqualGroundTruth();
    // The faults were met and retried, not avoided.
    const metrics = await (await fetch(`http://127.0.0.1:${extractorPort}/metrics`)).text();
    const retried = [...metrics.matchAll(/^fsm_extractor_vendor_retries_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    expect(retried).toBeGreaterThan(0);
  });
});
