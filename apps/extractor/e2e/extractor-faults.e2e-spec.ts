import type { NatsConnection } from '@nats-io/transport-node';
import { canonicalId } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { connectNats, streamName } from '@fieldsync/messaging';
import { WorldRng } from '@fieldsync/sandbox-world';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { SessionClient } from '@fieldsync/session-client';
import {
  PrivateNats,
  createTestDatabase,
  expectEventually,
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
import { sql, type Kysely } from 'kysely';
import { entityTable } from '@fieldsync/persistence';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { readSidesOf } from '../src/sync/extractor.module';
import { multisetMinus } from './ground-truth.util';
import { asSortedLines, normaliseForConnection, readEventLog, type LoggedEvent } from './event-log.util';

/*
 * Crash and outage safety of the extractor's store and outbox, against an uninterrupted run of the same
 * ServiceTitan account (a static sandbox world: nothing changes at the vendor during the spec):
 *  - U backfills undisturbed: the baseline store and event log;
 *  - K backfills while the extractor is SIGKILLed at (seeded) random points, then restarted;
 *  - N backfills while the private nats-server is stopped (SIGTERM, then SIGKILL) and started again.
 * K and N must end with the same store (document by document) and the same event log (as a multiset of
 * type, record, changedFields and payload) as U, once connection-dependent values are normalised; each
 * connection's events on FSM_EVENTS carry the sequences 1..n in order, and no event id appears twice.
 */

jest.setTimeout(300_000);

const TENANT = 'tn_faults';
/** Large enough that a ServiceTitan backfill takes several seconds on a 2-core machine. */
const SANDBOX_SIZE = '1500';
/** FAULTS_SEED=<n> replays the kill points of an earlier run. */
const SEED = Number(process.env['FAULTS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Snapshot {
  /** `<entity:externalId>` → the normalised document and whether it is a tombstone. */
  store: Map<string, string>;
  /** The connection's entity events (not session./connection.), normalised, as sorted JSON lines. */
  events: string[];
}

describe('extractor under SIGKILL and NATS restarts, compared with an uninterrupted backfill', () => {
  const prefix = uniqueStreamPrefix('faults');
  const side = readSidesOf(CONNECTORS).get('servicetitan') as ConnectorReadSide;
  const entities = [...new Set(side.streams.flatMap((s) => s.entities))];
  // The sandbox world's own seeded generator, so a failing schedule of kills can be replayed.
  const rng = new WorldRng(SEED);
  const random = (): number => rng.next();
  let nats: PrivateNats;
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let sessions: SessionClient;
  let nc: NatsConnection;
  let extractor: SpawnedService | undefined;
  let manager: RunningSessionManager;
  let common: Record<string, string> = {};
  let admin: RunningSessionManager['admin'];
  let baseline: Snapshot;
  let baselineEntityEvents = 0;
  let baselineBackfillMs = 0;
  /** The connections of the earlier tests, checked again at the end. */
  const settled: string[] = [];

  async function startExtractor(): Promise<SpawnedService> {
    const { service } = await spawnReady(
      'extractor',
      (port) => ({
        ...common,
        PORT: String(port),
        EXTRACTOR_CONNECTIONS_REFRESH: '1s',
        // A killed worker's leases lapse quickly, so the restarted one resumes at once.
        EXTRACTOR_LEASE: '3s',
        EXTRACTOR_STREAM_INTERVALS: side.streams.map((s) => `${s.stream}=2s`).join(','),
      }),
      { readyTimeoutMs: 60_000 },
    );
    return service;
  }

  async function createConnection(username: string, password: string): Promise<string> {
    const st = sandbox.portal('servicetitan');
    const user = await userOf(st, username);
    const { id } = await admin('POST', '/connections', {
      tenantId: TENANT,
      vendor: 'servicetitan',
      portalUrl: st.url,
      username,
      password,
      mfa:
        user.totpSecret === null
          ? { method: 'sms', phone: user.phone }
          : { method: 'totp', secret: user.totpSecret },
    });
    // The login (Chromium, maybe waiting for a fresh TOTP step) happens here, not inside a fault window.
    await sessions.acquire(id);
    return id;
  }

  /** The connection's entity events committed to the outbox so far (its backfill progress). */
  async function outboxCount(connectionId: string): Promise<number> {
    const row = await db
      .selectFrom('change_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('connection_id', '=', connectionId)
      .where('type', 'not like', 'session.%')
      .where('type', 'not like', 'connection.%')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function connectionEvents(connectionId: string): Promise<LoggedEvent[]> {
    const log = await readEventLog(nc, streamName('events', prefix));
    return log.filter((e) => e.connectionid === connectionId);
  }

  /**
   * Every stream of the connection has completed a run, nothing is left in its outbox, and FSM_EVENTS
   * holds as many of its events as the outbox has rows.
   */
  async function expectCaughtUp(connectionId: string): Promise<void> {
    const cursors = await db
      .selectFrom('sync_cursors')
      .select(['entity_type', 'last_success_at'])
      .where('connection_id', '=', connectionId)
      .execute();
    expect({
      cursors: cursors.length,
      done: cursors.filter((c) => c.last_success_at !== null).length,
    }).toEqual({
      cursors: side.streams.length,
      done: side.streams.length,
    });
    const outbox = await db
      .selectFrom('change_events')
      .select(['id', 'published_at'])
      .where('connection_id', '=', connectionId)
      .execute();
    expect(outbox.filter((row) => row.published_at === null)).toEqual([]);
    expect((await connectionEvents(connectionId)).length).toBe(outbox.length);
  }

  /**
   * What is wrong with the connection's log on FSM_EVENTS: event ids seen twice, and events out of
   * place (the n-th event of the connection must carry sequence n), each with its outbox row's times.
   */
  async function logDefects(connectionId: string): Promise<{ repeatedIds: string[]; misplaced: unknown[] }> {
    const events = await connectionEvents(connectionId);
    const seen = new Set<string>();
    const repeatedIds: string[] = [];
    for (const { id } of events) {
      if (seen.has(id)) repeatedIds.push(id);
      seen.add(id);
    }
    const outbox = new Map(
      (
        await db
          .selectFrom('change_events')
          .select(['id', 'created_at', 'published_at'])
          .where('connection_id', '=', connectionId)
          .execute()
      ).map((row) => [row.id, row]),
    );
    const misplaced = events
      .map((e, index) => ({ e, position: index + 1 }))
      .filter(({ e, position }) => Number(e.sequence) !== position)
      .map(({ e, position }) => ({
        position,
        sequence: Number(e.sequence),
        type: e.type,
        createdAt: outbox.get(e.id)?.created_at,
        publishedAt: outbox.get(e.id)?.published_at,
      }));
    return { repeatedIds, misplaced };
  }

  /** The connection's store and entity events with every connection-dependent value normalised. */
  async function snapshot(connectionId: string): Promise<Snapshot> {
    const ids = new Map<string, string>();
    const rows: { key: string; deleted: boolean; document: unknown }[] = [];
    for (const entity of entities) {
      const { table } = entityTable(entity);
      const result = await sql<{ external_id: string; document: unknown; deleted_at: Date | null }>`
        select external_id, document, deleted_at from ${sql.table(table)}
        where connection_id = ${connectionId}`.execute(db);
      for (const row of result.rows) {
        const key = `${entity}:${row.external_id}`;
        ids.set(canonicalId(connectionId, entity, row.external_id), key);
        rows.push({ key, deleted: row.deleted_at !== null, document: row.document });
      }
    }
    const store = new Map<string, string>();
    for (const row of rows) {
      store.set(
        row.key,
        JSON.stringify({
          deleted: row.deleted,
          document: normaliseForConnection(row.document, connectionId, ids),
        }),
      );
    }
    const events = (await connectionEvents(connectionId))
      .filter((e) => !/^(session|connection)\./.test(e.type))
      .map((e) =>
        normaliseForConnection(
          {
            type: e.type,
            externalId: e.data?.object?.['externalId'],
            changedFields: e.data?.changedFields,
            object: e.data?.object,
            previous: e.data?.previous,
          },
          connectionId,
          ids,
        ),
      );
    return { store, events: asSortedLines(events) };
  }

  /**
   * The connection ends exactly where the uninterrupted run ended: the same store and the same events,
   * each once, in sequence order. Every finding is reported together, so one run shows them all.
   */
  async function expectSameAsBaseline(connectionId: string): Promise<void> {
    await expectEventually(() => expectCaughtUp(connectionId), { timeoutMs: 90_000, intervalMs: 2_000 });
    const got = await snapshot(connectionId);
    const differing = [...baseline.store.keys()].filter(
      (key) => got.store.has(key) && got.store.get(key) !== baseline.store.get(key),
    );
    // The event logs as multisets: a lost event is missing from `got`, a duplicated one is left over.
    const lost = multisetMinus(baseline.events, got.events);
    const duplicated = multisetMinus(got.events, baseline.events);
    const { repeatedIds, misplaced } = await logDefects(connectionId);
    expect({
      storeSize: got.store.size,
      missingRecords: [...baseline.store.keys()].filter((key) => !got.store.has(key)),
      extraRecords: [...got.store.keys()].filter((key) => !baseline.store.has(key)),
      differingRecords: differing
        .slice(0, 5)
        .map((key) => [key, baseline.store.get(key), got.store.get(key)]),
      events: got.events.length,
      lostEvents: lost.slice(0, 5),
      duplicatedEvents: duplicated.slice(0, 5),
      repeatedIds,
      misplacedEvents: misplaced.slice(0, 10),
    }).toEqual({
      storeSize: baseline.store.size,
      missingRecords: [],
      extraRecords: [],
      differingRecords: [],
      events: baseline.events.length,
      lostEvents: [],
      duplicatedEvents: [],
      repeatedIds: [],
      misplacedEvents: [],
    });
  }

  beforeAll(async () => {
    console.log(
      `extractor faults: seed ${SEED} (FAULTS_SEED=${SEED} replays it), sandbox size ${SANDBOX_SIZE}`,
    );
    nats = await PrivateNats.start();
    database = await createTestDatabase('extractor_faults_e2e');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_SIZE, SANDBOX_SEED: '13' });
    common = {
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      FIELDSYNC_STREAM_PREFIX: prefix,
      // File storage: the streams survive the nats-server restarts below.
      FIELDSYNC_STREAM_STORAGE: 'file',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    manager = await startSessionManager(common, { readyTimeoutMs: 60_000 });
    admin = manager.admin.bind(manager);
    await admin('PUT', `/tenants/${TENANT}`, { name: 'Extractor faults e2e' });
    sessions = new SessionClient({ service: 'extractor', servers: nats.url, prefix, timeoutMs: 120_000 });
    await sessions.connect();
    nc = await connectNats({ servers: nats.url, name: 'extractor-faults-e2e', timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await sessions?.close();
    await nc?.close();
    await killSpawnedServices();
    await nats?.dispose();
    await db?.destroy();
    await database?.drop();
  });

  it('baseline: an uninterrupted backfill of connection U', async () => {
    const u = await createConnection('st.admin', 'Sandbox!Admin1');
    settled.push(u);
    const started = Date.now();
    extractor = await startExtractor();
    await expectEventually(() => expectCaughtUp(u), { timeoutMs: 120_000, intervalMs: 1_000 });
    baselineBackfillMs = Date.now() - started;
    await extractor.stop('SIGTERM');
    extractor = undefined;
    baseline = await snapshot(u);
    baselineEntityEvents = await outboxCount(u);
    console.log(
      `baseline: ${baseline.store.size} records, ${baseline.events.length} events, backfill ${baselineBackfillMs} ms`,
    );
    expect(baseline.store.size).toBeGreaterThan(500);
    // A static world: one created event per stored record, and nothing else.
    expect(baseline.events.length).toBe(baselineEntityEvents);
    expect(
      baseline.events.every((line) => (JSON.parse(line) as { type: string }).type.endsWith('.created')),
    ).toBe(true);
    // Even undisturbed, the connection's log must be complete and in sequence order.
    expect(await logDefects(u)).toEqual({ repeatedIds: [], misplaced: [] });
  });

  it('SIGKILLed at seeded random points during a backfill and restarted: same store, same event log', async () => {
    const k = await createConnection('st.csr', 'Sandbox!Csr1');
    settled.push(k);
    // Five kill points spread over the backfill at seeded random progress (share of U's events already
    // committed), each followed by a random delay so the kill lands anywhere in the page after it:
    // between vendor calls, mid-transaction, mid-publish.
    const targets = [0, 1, 2, 3, 4].map((slot) =>
      Math.floor(((slot + random()) / 5) * 0.9 * baselineEntityEvents),
    );
    const kills: { target: number; delayMs: number; committedEvents: number }[] = [];
    for (const target of targets) {
      const running = await startExtractor();
      await expectEventually(async () => expect(await outboxCount(k)).toBeGreaterThanOrEqual(target), {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      const delayMs = Math.floor(random() * 250);
      await sleep(delayMs);
      const committedEvents = await outboxCount(k);
      await running.stop('SIGKILL');
      kills.push({ target, delayMs, committedEvents });
    }
    console.log(`SIGKILL points (seed ${SEED}, of ${baselineEntityEvents} events): ${JSON.stringify(kills)}`);
    // At least four kills fell inside the backfill (the last ones may race its end).
    expect(kills.filter((kill) => kill.committedEvents < baselineEntityEvents).length).toBeGreaterThanOrEqual(
      4,
    );
    extractor = await startExtractor();
    await expectSameAsBaseline(k);
  });

  it('NATS stopped and killed during a backfill, then started again: same store, same event log', async () => {
    extractor ??= await startExtractor();
    const n = await createConnection('st.dispatch', 'Sandbox!Dispatch1');
    const outages: { how: string; committedEvents: number; unpublished: number }[] = [];
    for (const [how, share] of [
      ['SIGTERM', 0.15],
      ['SIGKILL', 0.5],
    ] as const) {
      await expectEventually(
        async () =>
          expect(await outboxCount(n)).toBeGreaterThanOrEqual(Math.floor(baselineEntityEvents * share)),
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      if (how === 'SIGTERM') await nats.stop();
      else await nats.kill();
      const unpublished = await db
        .selectFrom('change_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('connection_id', '=', n)
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow();
      outages.push({ how, committedEvents: await outboxCount(n), unpublished: Number(unpublished.n) });
      await sleep(2_500);
      await nats.start();
    }
    console.log(`NATS outages: ${JSON.stringify(outages)}`);
    // The first outage fell inside the backfill.
    expect(outages[0]?.committedEvents).toBeLessThan(baselineEntityEvents);
    await expectSameAsBaseline(n);
    // Both services rode out the outages (reconnected) rather than exiting.
    expect([manager.service.child.exitCode, extractor.child.exitCode]).toEqual([null, null]);
    expect(await outboxCount(n)).toBe(baselineEntityEvents);
    // The connections synced before were polled on through every crash and outage: nothing re-announced.
    for (const connectionId of settled) {
      expect({ connectionId, events: (await snapshot(connectionId)).events.length }).toEqual({
        connectionId,
        events: baseline.events.length,
      });
    }
  });
});
