import { canonicalId, newCommandId, type Command, type CommandResult } from '@fieldsync/canonical-model';
import { BrowserPool, defineWrite, type CapturedSession } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import {
  ChangeLog,
  TenantRepository,
  createDatabase,
  migrateToLatest,
  type DB,
} from '@fieldsync/persistence';
import { ConnectionRateLimiter } from '@fieldsync/platform';
import {
  createTestDatabase,
  killSpawnedServices,
  sandboxAuthContext,
  startSandbox,
  testConnectors,
  userOf,
  type PortalHandle,
  type RunningSandbox,
  type TestDatabase,
} from '@fieldsync/testing';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { Registry } from 'prom-client';
import { CommandExecutor } from '../src/commands/command-executor';
import { WriterMetrics } from '../src/commands/writer.metrics';
import { IdempotencyRepository } from '../src/idempotency/idempotency.repository';

/*
 * WriteContext.portal against the sandbox, through the writer's executor: a write that only a vendor's
 * web app offers gets a page of the writer's browser pool holding the connection's session, and the
 * portal opens signed in as the connection's user (a page without the session lands on the login form).
 * No connector uses the portal yet (Housecall Pro payments and TOM will); this write reads the signed-in
 * landing page and answers with a customer the vendor really has.
 */

jest.setTimeout(180_000);

const TENANT = 'tnt_portal';
const CONNECTION = 'con_portal';

describe('WriteContext.portal: a browser page on the connection session', () => {
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_SIZE: '60' });
    st = sandbox.portal('servicetitan');
    pool = new BrowserPool({ maxConcurrent: 1 });
    const admin = await userOf(st, 'st.admin');
    session = await pool.withPage((page) =>
      CONNECTORS.get('servicetitan')
        .authFlows.create()
        .login(
          sandboxAuthContext({
            page,
            portal: st,
            totpSecret: admin.totpSecret ?? '',
            credentials: {
              tenantId: TENANT,
              connectionId: CONNECTION,
              vendor: 'servicetitan',
              portalUrl: st.url,
              username: 'st.admin',
              password: 'Sandbox!Admin1',
              mfa: { method: 'totp' },
            },
          }),
        ),
    );
    database = await createTestDatabase('writer_portal');
    db = createDatabase({ url: database.url, poolMax: 4 });
    await migrateToLatest(db);
    await new TenantRepository(db).create({ id: TENANT, name: 'Portal' });
    await db
      .insertInto('connections')
      .values({
        id: CONNECTION,
        tenant_id: TENANT,
        vendor: 'servicetitan',
        portal_url: st.url,
        username: 'st.admin',
        status: 'active',
      })
      .execute();
  });

  afterAll(async () => {
    await pool?.close();
    await db?.destroy();
    await database?.drop();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  it("opens the vendor's web app signed in as the connection's user, from the writer's pool", async () => {
    const customers = (await st.control<{ data: { id: number }[] }>('GET', 'world/export/customers')).data;
    const customer = customers[0];
    if (!customer) throw new Error('the sandbox has no customer');
    const seen: { url: string; signedInAs: string | null }[] = [];
    const webAppWrite = defineWrite('client.create', {
      carries: ['displayName'],
      execute: (ctx) =>
        ctx.portal(async (page) => {
          await page.goto(`${ctx.session.portalUrl}/`);
          seen.push({
            url: page.url(),
            signedInAs: await page.locator('#signed-in-as strong').textContent({ timeout: 10_000 }),
          });
          return {
            records: [],
            result: {
              customerId: canonicalId(ctx.connectionId, 'customer', String(customer.id)),
              locationIds: [],
            },
          };
        }),
    });
    const results: CommandResult[] = [];
    const executor = new CommandExecutor({
      db,
      keys: new IdempotencyRepository(db),
      changeLog: new ChangeLog(db),
      connectors: testConnectors({
        vendor: 'servicetitan',
        readSide: CONNECTORS.get('servicetitan').readSide,
        writeSide: { vendor: 'servicetitan', writes: { 'client.create': webAppWrite } },
      }),
      sessions: { acquire: async () => ({ session, sessionVersion: 1 }), invalidate: async () => undefined },
      limiter: new ConnectionRateLimiter(50),
      browsers: pool,
      publishResult: async (_tenant, result) => {
        results.push(result);
      },
      metrics: new WriterMetrics(new Registry()),
      options: {
        workerId: 'portal-spec',
        idempotencyTtlMs: 60_000,
        inFlightWaitMs: 0,
        leaseMs: 30_000,
        maxAttempts: 2,
        retryBaseMs: 10,
        retryMaxMs: 100,
        maxRetryAfterMs: 5_000,
        vendorTimeoutMs: 60_000,
        crashAfterVendorWrite: 0,
      },
      logger: pino({ level: 'silent' }),
    });
    const command = {
      commandId: newCommandId(),
      idempotencyKey: 'portal-page-1',
      tenantId: TENANT,
      connectionId: CONNECTION,
      type: 'client.create',
      payload: { displayName: 'Through the web app' },
      requestedAt: new Date().toISOString(),
    } as Command;
    await expect(
      executor.execute(command, { deliveryCount: 1, maxDeliver: 5, signal: new AbortController().signal }),
    ).resolves.toEqual({ kind: 'ack' });
    expect(results).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        result: { customerId: canonicalId(CONNECTION, 'customer', String(customer.id)), locationIds: [] },
      }),
    ]);
    expect(seen).toEqual([{ url: `${st.url}/`, signedInAs: 'Avery Admin' }]);

    // The same page without the session's cookies is sent to the login form: the session is what signs in.
    const anonymous = await pool.withPage(async (page) => {
      await page.goto(`${st.url}/`);
      return page.url();
    });
    expect(anonymous).toContain('/login');
  });
});
