import type { NatsConnection } from '@nats-io/transport-node';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
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
  startSessionManager,
  uniqueStreamPrefix,
  type RunningSandbox,
  type RunningSessionManager,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import { sql, type Kysely } from 'kysely';
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
  type TruthState,
} from './ground-truth.util';

/*
 * The extractor as a process on Total Office Manager (real session manager, Chromium sign-in, the
 * sandbox's server-rendered TOM portal scraped page by page): after the backfill the canonical store
 * equals the ground truth field by field through the mapping — warehouses, stock and purchase orders
 * included — with one `<entity>.created` event per live record; after the activity clock moves, exactly
 * the events the ground-truth diff calls for and none in a quiet spell; a markup change (a renamed
 * column) gives drift reports and corrupts no stored record; 10 % of page loads failing changes nothing;
 * a backfill SIGKILLed at seeded random points ends with the same store and one created event per record.
 */

jest.setTimeout(600_000);

const STREAMS = [
  'employees',
  'items',
  'customers',
  'jobs',
  'workorders',
  'invoices',
  'payments',
  'equipment',
  'agreements',
  'warehouses',
  'stock',
  'purchase-orders',
];
const SEED = 20261207;

describe('extractor on Total Office Manager (real session manager, Chromium, the sandbox)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('exttom');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let nc: NatsConnection;
  let extractor: SpawnedService | undefined;
  let common: Record<string, string> = {};
  let admin: RunningSessionManager['admin'];
  let connectionId = '';
  const side = readSidesOf(CONNECTORS).get('tom') as ConnectorReadSide;

  let state = SEED;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const tom = () => sandbox.portal('tom');

  async function startExtractor(): Promise<SpawnedService> {
    const { service } = await spawnReady('extractor', (p) => ({
      ...common,
      PORT: String(p),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
      EXTRACTOR_LEASE: '3s',
      EXTRACTOR_RECONCILE_INTERVAL: '5s',
      EXTRACTOR_DRIFT_RETRY: '2s',
      EXTRACTOR_STREAM_INTERVALS: STREAMS.map((s) => `${s}=2s`).join(','),
    }));
    return service;
  }

  const truthOf = (id: string, tenantId: string) => groundTruth(tom(), side, { tenantId, connectionId: id });

  async function expectStoreToEqualGroundTruth(id: string, tenantId: string): Promise<TruthState> {
    let truth: TruthState | undefined;
    await expectEventually(
      async () => {
        truth = await truthOf(id, tenantId);
        expect(storeMismatches(truth, await storeState(db, truth))).toEqual([]);
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    return truth as TruthState;
  }

  const entityEvents = async (id: string): Promise<LoggedEvent[]> =>
    (await readEventLog(nc, streamName('events', prefix))).filter(
      (e) => e.connectionid === id && !/^(session|connection|connector)\./.test(e.type),
    );

  async function expectEvents(id: string, want: string[]): Promise<void> {
    await expectEventually(
      async () => {
        const all = await entityEvents(id);
        expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
        const got = all.map((e) => eventKey({ ...e, changedFields: e.data?.changedFields ?? [] }));
        expect({ missing: multisetMinus(want, got), extra: multisetMinus(got, want) }).toEqual({
          missing: [],
          extra: [],
        });
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
  }

  const connect = async (tenantId: string): Promise<string> =>
    (
      await admin('POST', '/connections', {
        tenantId,
        vendor: 'tom',
        portalUrl: tom().url,
        username: 'tomrds\\admin01',
        password: 'Sandbox1Admin',
      })
    ).id;

  beforeAll(async () => {
    database = await createTestDatabase('extractor_tom');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_SIZE: '300', SANDBOX_SEED: '9', SANDBOX_API_LIMITS: 'off' });
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
    await admin('PUT', '/tenants/tn_tom', { name: 'TOM extractor e2e' });
    await admin('PUT', '/tenants/tn_tom_kill', { name: 'TOM extractor e2e (kills)' });
    nc = await connectNats({ servers: services.natsUrl, name: 'extractor-tom-e2e', timeoutMs: 5_000 });
    connectionId = await connect('tn_tom');
    extractor = await startExtractor();
  });

  afterAll(async () => {
    await nc?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('backfills: the store equals the ground truth, warehouses, stock, purchase orders and credit memos included, one created event per live record', async () => {
    const truth = await expectStoreToEqualGroundTruth(connectionId, 'tn_tom');
    expect(liveCount(truth)).toBeGreaterThan(150);
    for (const entity of ['warehouse', 'stock_level', 'purchase_order', 'invoice', 'payment'] as const) {
      expect([entity, (truth.entities.get(entity)?.live.size ?? 0) > 0]).toEqual([entity, true]);
    }
    // Credit memos are read by the invoices stream as canonical invoices `CM-<number>` (docs/tom.md).
    const credits = [...(truth.entities.get('invoice')?.live.keys() ?? [])].filter((id) =>
      id.startsWith('CM-'),
    );
    expect(credits.length).toBeGreaterThan(0);
    const stored = await db
      .selectFrom('invoices')
      .select(['external_id'])
      .where('connection_id', '=', connectionId)
      .where('external_id', 'like', 'CM-%')
      .where('deleted_at', 'is', null)
      .execute();
    expect(stored.map((r) => r.external_id).sort()).toEqual([...credits].sort());
    // Items carry their prices per pricing zone from their detail pages, compared above field by field.
    const items = [...(truth.entities.get('pricebook_item')?.live.values() ?? [])];
    expect(items.some((d) => Array.isArray(d['zonePrices']) && d['zonePrices'].length > 0)).toBe(true);
    await expectEvents(connectionId, expectedEvents({ ...truth, entities: new Map() }, truth).map(eventKey));
  });

  it('follows the activity clock: exactly the events the ground-truth diff calls for, none in a quiet spell', async () => {
    const before = await truthOf(connectionId, 'tn_tom');
    const eventsBefore = (await entityEvents(connectionId)).map((e) =>
      eventKey({ ...e, changedFields: e.data?.changedFields ?? [] }),
    );
    await tom().control('POST', 'world/advance', { ms: 3 * 3_600_000 });
    const after = await expectStoreToEqualGroundTruth(connectionId, 'tn_tom');
    const want = [...eventsBefore, ...expectedEvents(before, after).map(eventKey)];
    expect(want.length).toBeGreaterThan(eventsBefore.length);
    await expectEvents(connectionId, want);
    await sleep(8_000);
    await expectEvents(connectionId, want);
  });

  it('a renamed column is drift: reports for the grid, no stored record changed; the store catches up once the page reads again', async () => {
    const documents = async () =>
      (
        await sql<{
          document: unknown;
        }>`select document from customers where connection_id = ${connectionId} order by external_id`.execute(
          db,
        )
      ).rows.map((r) => JSON.stringify(r.document));
    const stored = await documents();
    try {
      await tom().control('POST', 'faults', { drift: [{ from: 'Balance', to: 'Balance Due' }] });
      await tom().control('POST', 'world/advance', { ms: 3_600_000 });
      await expectEventually(
        async () => {
          const reports = await sql<{ issues: unknown }>`
            select issues from drift_reports where connection_id = ${connectionId} and entity_type = 'customer'`.execute(
            db,
          );
          expect(reports.rows.some((r) => JSON.stringify(r.issues).includes('Balance'))).toBe(true);
        },
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
      // Every customer row is drift while the column is renamed: not one stored customer took a value from
      // the page (a customer the activity deleted meanwhile is tombstoned: gone from a complete pass).
      const withoutDeletion = (docs: string[]) =>
        docs.map((d) => {
          const { deletedAt: _deletedAt, ...rest } = JSON.parse(d) as Record<string, unknown>;
          return rest;
        });
      expect(withoutDeletion(await documents())).toEqual(withoutDeletion(stored));
    } finally {
      await tom().control('DELETE', 'faults');
    }
    await expectStoreToEqualGroundTruth(connectionId, 'tn_tom');
  });

  it('with 10 % of page loads failing, the store still equals the ground truth', async () => {
    await tom().control('POST', 'faults', { serverError: { rate: 0.1, status: 503 } });
    try {
      await tom().control('POST', 'world/advance', { ms: 2 * 3_600_000 });
      await expectStoreToEqualGroundTruth(connectionId, 'tn_tom');
    } finally {
      await tom().control('DELETE', 'faults');
    }
  });

  it('a backfill SIGKILLed at seeded random points and restarted: the same store, one created event per record', async () => {
    await extractor?.stop('SIGTERM');
    const id = await connect('tn_tom_kill');
    const committed = async (): Promise<number> => {
      const row = await db
        .selectFrom('change_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('connection_id', '=', id)
        .where('type', 'like', '%.created')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const expectedRecords = liveCount(await truthOf(id, 'tn_tom_kill'));
    const kills: { target: number; at: number }[] = [];
    for (const slot of [0, 1, 2]) {
      const target = Math.floor(((slot + random()) / 3) * 0.8 * expectedRecords);
      const running = await startExtractor();
      await expectEventually(async () => expect(await committed()).toBeGreaterThanOrEqual(target), {
        timeoutMs: 90_000,
        intervalMs: 20,
      });
      await sleep(Math.floor(random() * 200));
      kills.push({ target, at: await committed() });
      await running.stop('SIGKILL');
    }
    expect(kills.filter((k) => k.at < expectedRecords).length).toBeGreaterThanOrEqual(2);
    extractor = await startExtractor();
    const truth = await expectStoreToEqualGroundTruth(id, 'tn_tom_kill');
    await expectEvents(id, expectedEvents({ ...truth, entities: new Map() }, truth).map(eventKey));
  });
});
