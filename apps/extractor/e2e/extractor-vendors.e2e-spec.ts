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
 * The extractor as a process on the vendors read through their web sessions — Workiz and Housecall Pro
 * (the web apps' data calls) and Total Office Manager (its server-rendered portal scraped page by page) —
 * with the real session manager (Chromium logins, Housecall Pro's SMS code through the MFA relay) and the
 * sandbox's portals, one sandbox and one session manager for all three: after the backfill the canonical
 * store equals the ground truth field by field through the mapping (for Workiz, closed jobs and records
 * older than the API's 14-day default included; for TOM, warehouses, stock, purchase orders and credit
 * memos included) with one `<entity>.created` event per live record; after the activity clock moves, the
 * store follows with exactly the events the ground-truth diff calls for, and a quiet spell adds none; on
 * TOM a markup change (a renamed column) gives drift reports and corrupts no stored record, and 10 % of
 * page loads failing changes nothing; a backfill SIGKILLed at seeded random points and restarted ends
 * with the same store and one created event per record.
 */

jest.setTimeout(600_000);

const SEED = 20261207;

/** What a case's backfill check may look at: the sandbox, the store, the case's connection, the truth. */
interface BackfillContext {
  readonly sandbox: RunningSandbox;
  readonly db: Kysely<DB>;
  readonly connectionId: string;
  readonly truth: TruthState;
}

interface VendorCase {
  readonly vendor: 'workiz' | 'housecallpro' | 'tom';
  /** The login of both of the case's connections (a test user of the sandbox). */
  readonly login: { username: string; password: string; mfa?: Record<string, string> };
  /** What else the backfill must show for this vendor. */
  readonly backfillChecks?: (context: BackfillContext) => Promise<void>;
  /**
   * A page's markup a vendor may change under us (a server-rendered grid's column renamed): the case also
   * proves that it is drift (reports, no stored record changed) and that 10 % of page loads failing
   * changes nothing.
   */
  readonly markup?: { readonly from: string; readonly to: string };
}

const CASES: readonly VendorCase[] = [
  {
    vendor: 'workiz',
    login: { username: 'admin@workiz.sandbox.example', password: 'Sandbox!Admin1' },
    // Closed jobs and jobs older than the API's 14-day default window are in the truth the store equals.
    backfillChecks: async ({ sandbox }) => {
      const jobs = await sandbox
        .portal('workiz')
        .control<{ data: Record<string, unknown>[] }>('GET', 'world/export/jobs');
      expect(
        jobs.data.filter((j) => j['Status'] === 'Done' || j['Status'] === 'Canceled').length,
      ).toBeGreaterThan(5);
      const old = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      expect(jobs.data.filter((j) => String(j['JobDateTime']) < old).length).toBeGreaterThan(5);
    },
  },
  {
    vendor: 'housecallpro',
    // An SMS code on every sign-in, read from the sandbox outbox by the MFA relay.
    login: {
      username: 'owner@brightside-plumbing.example',
      password: 'Sandbox!Owner1',
      mfa: { method: 'sms', phone: '+15555550401' },
    },
    // The price book (services, and materials filed under a business unit's sub-category, so found only
    // by walking the category tree) and the web app's service plans are in the truth the store equals.
    backfillChecks: async ({ sandbox, truth }) => {
      const hcp = sandbox.portal('housecallpro');
      const rows = async (entity: string) =>
        (await hcp.control<{ data: Record<string, unknown>[] }>('GET', `world/export/${entity}`)).data;
      const categories = await rows('material_categories');
      const nested = new Set(categories.filter((c) => c['parent_uuid'] !== null).map((c) => c['uuid']));
      const materials = await rows('materials');
      expect((await rows('pricebook_services')).length).toBeGreaterThan(5);
      expect(materials.filter((m) => nested.has(m['material_category_uuid'])).length).toBeGreaterThan(5);
      // The suite's world (size 300: 15 customers) holds one membership; the connector's own e2e
      // (size 1500) compares thirteen.
      const plans = await rows('service_plan_agreements');
      expect(plans.length).toBeGreaterThan(0);
      // Every row became a compared record (an unmappable one would be left out of the comparison).
      const live = (entity: 'pricebook_item' | 'membership') => truth.entities.get(entity)?.live.size;
      expect([live('pricebook_item'), live('membership')]).toEqual([
        (await rows('pricebook_services')).length + materials.length,
        plans.length,
      ]);
    },
  },
  {
    vendor: 'tom',
    login: { username: 'tomrds\\admin01', password: 'Sandbox1Admin' },
    // Warehouses, stock, purchase orders and credit memos are in the truth the store equals.
    backfillChecks: async ({ db, connectionId, truth }) => {
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
      // Items carry their prices per pricing zone from their detail pages (compared field by field with the
      // rest of the truth): some of them do have zone prices, so that comparison is not of nulls only.
      const items = [...(truth.entities.get('pricebook_item')?.live.values() ?? [])];
      expect(items.some((d) => Array.isArray(d['zonePrices']) && d['zonePrices'].length > 0)).toBe(true);
    },
    // The customers grid's Balance column renamed.
    markup: { from: 'Balance', to: 'Balance Due' },
  },
];

describe('extractor on Workiz, Housecall Pro and Total Office Manager (real session manager, Chromium, the sandbox)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('extvn');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let nc: NatsConnection;
  let common: Record<string, string> = {};
  let admin: RunningSessionManager['admin'];

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  beforeAll(async () => {
    database = await createTestDatabase('extractor_vendors');
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
    nc = await connectNats({ servers: services.natsUrl, name: 'extractor-vendors-e2e', timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await nc?.close();
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  describe.each(CASES)('$vendor', ({ vendor, login, backfillChecks, markup }) => {
    const side = readSidesOf(CONNECTORS).get(vendor) as ConnectorReadSide;
    const tenant = `tn_${vendor}`;
    const killTenant = `tn_${vendor}_kill`;
    let extractor: SpawnedService | undefined;
    let connectionId = '';

    let state = SEED;
    const random = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };

    async function startExtractor(): Promise<SpawnedService> {
      const { service } = await spawnReady('extractor', (p) => ({
        ...common,
        PORT: String(p),
        EXTRACTOR_CONNECTIONS_REFRESH: '1s',
        EXTRACTOR_LEASE: '3s',
        EXTRACTOR_RECONCILE_INTERVAL: '5s',
        EXTRACTOR_DRIFT_RETRY: '2s',
        EXTRACTOR_STREAM_INTERVALS: side.streams.map((s) => `${vendor}.${s.stream}=2s`).join(','),
        // The sandbox's API limits are off here: a vendor's budget (Housecall Pro 4.5/s, TOM's default
        // 10/s) would only be idle time on top of the work, so every connection is paced at 50 requests/s.
        EXTRACTOR_REQUESTS_PER_SECOND: '50',
      }));
      return service;
    }

    const truthOf = (id: string, tenantId: string) =>
      groundTruth(sandbox.portal(vendor), side, { tenantId, connectionId: id });

    /**
     * Waits until every stream of the connection has completed a pass: a cheap query, where building the
     * ground truth (every record through the mapping) while a backfill runs would only compete with it.
     */
    async function passesCompleted(id: string): Promise<void> {
      await expectEventually(
        async () => {
          const cursors = await db
            .selectFrom('sync_cursors')
            .select(['entity_type', 'last_success_at'])
            .where('connection_id', '=', id)
            .execute();
          expect({
            streams: cursors.length,
            pending: cursors.filter((c) => c.last_success_at === null).map((c) => c.entity_type),
          }).toEqual({ streams: side.streams.length, pending: [] });
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
    }

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

    const connect = async (tenantId: string): Promise<string> =>
      (
        await admin('POST', '/connections', {
          tenantId,
          vendor,
          portalUrl: sandbox.portal(vendor).url,
          ...login,
        })
      ).id;

    /** What a stalled backfill looks like: the connection, its cursors, and the extractor's last lines. */
    async function stallReport(id: string, running: SpawnedService): Promise<string> {
      const connection = await db
        .selectFrom('connections')
        .select(['status', 'status_reason', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      const cursors = await db
        .selectFrom('sync_cursors')
        .select([
          'entity_type',
          'next_run_at',
          'lease_owner',
          'lease_expires_at',
          'consecutive_failures',
          'last_error',
          'cursor',
        ])
        .where('connection_id', '=', id)
        .execute();
      const tail = running.output().split('\n').slice(-80).join('\n');
      return [
        `--- connection ${JSON.stringify(connection)} (now ${new Date().toISOString()})`,
        ...cursors.map((c) => JSON.stringify(c)),
        '--- extractor output, last lines ---',
        tail,
      ].join('\n');
    }

    beforeAll(async () => {
      await admin('PUT', `/tenants/${tenant}`, { name: `${vendor} extractor e2e` });
      await admin('PUT', `/tenants/${killTenant}`, { name: `${vendor} extractor e2e (kills)` });
      connectionId = await connect(tenant);
      extractor = await startExtractor();
    });

    afterAll(async () => {
      await extractor?.stop('SIGTERM');
      // The next case's extractor reads only its own vendor's connections.
      await db.deleteFrom('connections').where('tenant_id', 'in', [tenant, killTenant]).execute();
    });

    it('backfills: the store equals the ground truth, one created event per live record', async () => {
      await passesCompleted(connectionId);
      const truth = await expectStoreToEqualGroundTruth(connectionId, tenant);
      expect(liveCount(truth)).toBeGreaterThan(150);
      await backfillChecks?.({ sandbox, db, connectionId, truth });
      await expectEvents(
        connectionId,
        expectedEvents({ ...truth, entities: new Map() }, truth).map(eventKey),
      );
    });

    it('follows the activity clock: exactly the events the ground-truth diff calls for, none in a quiet spell', async () => {
      const before = await truthOf(connectionId, tenant);
      const eventsBefore = (await entityEvents(connectionId)).map((e) =>
        eventKey({ ...e, changedFields: e.data?.changedFields ?? [] }),
      );
      await sandbox.portal(vendor).control('POST', 'world/advance', { ms: 3 * 3_600_000 });
      const after = await expectStoreToEqualGroundTruth(connectionId, tenant);
      const want = [...eventsBefore, ...expectedEvents(before, after).map(eventKey)];
      expect(want.length).toBeGreaterThan(eventsBefore.length);
      await expectEvents(connectionId, want);
      await sleep(10_000);
      await expectEvents(connectionId, want);
    });

    if (markup) {
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
        const portal = sandbox.portal(vendor);
        try {
          await portal.control('POST', 'faults', { drift: [markup] });
          await portal.control('POST', 'world/advance', { ms: 3_600_000 });
          await expectEventually(
            async () => {
              const reports = await sql<{ issues: unknown }>`
                select issues from drift_reports where connection_id = ${connectionId} and entity_type = 'customer'`.execute(
                db,
              );
              expect(reports.rows.some((r) => JSON.stringify(r.issues).includes(markup.from))).toBe(true);
            },
            { timeoutMs: 60_000, intervalMs: 1_000 },
          );
          // Every customer row is drift while the column is renamed: not one stored customer took a value
          // from the page (a customer the activity deleted meanwhile is tombstoned: gone from a complete pass).
          const withoutDeletion = (docs: string[]) =>
            docs.map((d) => {
              const { deletedAt: _deletedAt, ...rest } = JSON.parse(d) as Record<string, unknown>;
              return rest;
            });
          expect(withoutDeletion(await documents())).toEqual(withoutDeletion(stored));
        } finally {
          await portal.control('DELETE', 'faults');
        }
        await expectStoreToEqualGroundTruth(connectionId, tenant);
      });

      it('with 10 % of page loads failing, the store still equals the ground truth', async () => {
        const portal = sandbox.portal(vendor);
        await portal.control('POST', 'faults', { serverError: { rate: 0.1, status: 503 } });
        try {
          await portal.control('POST', 'world/advance', { ms: 2 * 3_600_000 });
          await expectStoreToEqualGroundTruth(connectionId, tenant);
        } finally {
          await portal.control('DELETE', 'faults');
        }
      });
    }

    it('a backfill SIGKILLed at seeded random points and restarted: the same store, one created event per record', async () => {
      await extractor?.stop('SIGTERM');
      // The case's first connection has proved what it proves: its passes (a reconciliation every 5 s)
      // would only compete with the backfill under test for the sandbox and the extractor.
      await admin('POST', `/connections/${connectionId}/disable`, {
        reason: 'e2e: the kill loop reads alone',
      });
      const id = await connect(killTenant);
      const committed = async (): Promise<number> => {
        const row = await db
          .selectFrom('change_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('connection_id', '=', id)
          .where('type', 'like', '%.created')
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      const expectedRecords = liveCount(await truthOf(id, killTenant));
      const kills: { target: number; at: number }[] = [];
      for (const slot of [0, 1, 2]) {
        const target = Math.floor(((slot + random()) / 3) * 0.8 * expectedRecords);
        const running = await startExtractor();
        await expectEventually(async () => expect(await committed()).toBeGreaterThanOrEqual(target), {
          timeoutMs: 90_000,
          intervalMs: 20,
        }).catch(async (error: unknown) => {
          throw new Error(`${String(error)}\n${await stallReport(id, running)}`);
        });
        await sleep(Math.floor(random() * 200));
        kills.push({ target, at: await committed() });
        await running.stop('SIGKILL');
      }
      expect(kills.filter((k) => k.at < expectedRecords).length).toBeGreaterThanOrEqual(2);
      extractor = await startExtractor();
      await passesCompleted(id);
      const truth = await expectStoreToEqualGroundTruth(id, killTenant);
      await expectEvents(id, expectedEvents({ ...truth, entities: new Map() }, truth).map(eventKey));
    });
  });
});
