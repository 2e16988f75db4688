import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { InfrastructureModule, OutboxRelayModule } from '@fieldsync/infrastructure';
import { streamName } from '@fieldsync/messaging';
import { createDatabase, DATABASE, migrateToLatest, TenantRepository, type DB } from '@fieldsync/persistence';
import { LoggerModule, METRICS_REGISTRY, MetricsModule, parseConfig } from '@fieldsync/platform';
import { SessionClientModule } from '@fieldsync/session-client';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  expectEventually,
  getTestServices,
  testConnectors,
  uniqueStreamPrefix,
  type TestDatabase,
} from '@fieldsync/testing';
import { connect } from '@nats-io/transport-node';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Kysely } from 'kysely';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { FakeSessionSource, ScriptedVendor } from '../__fixtures__/scripted-vendor.fixture';
import { extractorConfigSchema, type ExtractorConfig } from '../config/extractor.config';
import { ExtractorModule } from './extractor.module';
import { SESSION_SOURCE } from './sync.constants';

/*
 * ExtractorModule as the app wires it (InfrastructureModule, OutboxRelayModule, SessionClientModule,
 * pino logger, metrics), with the scripted vendor as its only connector and the FakeSessionSource test
 * double in place of the SessionClient-backed SESSION_SOURCE: at bootstrap the scheduler finds the
 * connection, backfills it, and the relay publishes every change to FSM_EVENTS, with backfill metrics.
 */

describe('ExtractorModule', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let app: INestApplicationContext | undefined;
  const prefix = uniqueStreamPrefix('extrmod');
  const tenantId = 'ten_extrmod';
  const connectionId = 'con_extrmod';

  beforeAll(async () => {
    database = await createTestDatabase('extractor_module');
    db = createDatabase({ url: database.url, poolMax: 4 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: tenantId, name: 'Module' });
    await db
      .insertInto('connections')
      .values([
        {
          id: connectionId,
          tenant_id: tenantId,
          vendor: 'servicetitan',
          portal_url: 'https://st.test',
          username: 'a',
          status: 'pending',
        },
        {
          id: 'con_extrmod_off',
          tenant_id: tenantId,
          vendor: 'servicetitan',
          portal_url: 'https://st.test',
          username: 'b',
          status: 'disabled',
        },
      ])
      .execute();
  });

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('backfills an active connection at bootstrap and the relay publishes its events to FSM_EVENTS', async () => {
    const services = getTestServices();
    const parsed = parseConfig(extractorConfigSchema, {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      EXTRACTOR_POLL_INTERVAL: '50ms',
      EXTRACTOR_STREAM_INTERVALS: 'servicetitan.jobs=1h,customers=2h',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const config: ExtractorConfig = parsed.config;
    const vendor = new ScriptedVendor({ pageSize: 2 });
    vendor.reportTotal = true;
    for (const id of ['1', '2', '3', '4', '5']) vendor.upsertCustomer({ id });
    for (const id of ['10', '11']) vendor.upsertJob({ id });
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggerModule.forRoot(pino({ level: 'silent' })),
        MetricsModule.forRoot({ service: 'extractor' }),
        InfrastructureModule.forRoot({ service: 'extractor', config }),
        OutboxRelayModule.forRoot({ databaseUrl: config.DATABASE_URL, prefix, pollIntervalMs: 100 }),
        SessionClientModule.forRoot({ service: 'extractor', servers: config.NATS_URL, prefix }),
        ExtractorModule.forRoot({
          config,
          connectors: testConnectors({ vendor: 'servicetitan', readSide: vendor.readSide }),
        }),
      ],
    })
      .overrideProvider(SESSION_SOURCE)
      .useValue(new FakeSessionSource())
      .compile();
    app = await moduleRef.init();

    const nc = await connect({ servers: services.natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      await expectEventually(
        async () => {
          const info = await jsm.streams.info(streamName('events', prefix));
          expect(info.state.messages).toBe(7);
        },
        { timeoutMs: 20_000 },
      );
      const consumer = await jetstream(nc).consumers.get(streamName('events', prefix));
      const batch = await consumer.fetch({ max_messages: 7, expires: 2_000 });
      const types: string[] = [];
      for await (const message of batch) {
        types.push(message.json<{ type: string }>().type);
        if (types.length === 7) break;
      }
      expect(types.sort()).toEqual([
        ...Array<string>(5).fill('customer.created'),
        'job.created',
        'job.created',
      ]);
    } finally {
      await nc.close();
    }

    const cursors = await app
      .get<Kysely<DB>>(DATABASE)
      .selectFrom('sync_cursors')
      .select(['connection_id', 'entity_type', 'interval_seconds', 'records_synced'])
      .orderBy('entity_type')
      .execute();
    expect(cursors).toEqual([
      { connection_id: connectionId, entity_type: 'customers', interval_seconds: 7200, records_synced: '5' },
      { connection_id: connectionId, entity_type: 'jobs', interval_seconds: 3600, records_synced: '2' },
    ]);
    const metrics = await app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(metrics).toMatch(
      /fsm_extractor_records_total\{vendor="servicetitan",stream="customers",outcome="created"[^}]*\} 5/,
    );
    expect(metrics).toMatch(
      /fsm_extractor_backfill_records\{connection_id="con_extrmod",stream="customers"[^}]*\} 5/,
    );
    expect(metrics).toMatch(
      /fsm_extractor_backfill_eta_seconds\{connection_id="con_extrmod",stream="customers"[^}]*\} 0/,
    );
  });
});
