import { newCommandId, type CommandResult } from '@fieldsync/canonical-model';
import { JetStreamPublisher, commandSubject, connectNats, streamName } from '@fieldsync/messaging';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
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
  totpCode,
  uniqueStreamPrefix,
  userOf,
  type RunningSandbox,
  type TestDatabase,
} from '@fieldsync/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import { ApiClient } from './api-client.util';
import {
  PRODUCT_PAGE_WRITE_EXAMPLES,
  shapeDifferences,
  withRunValues,
  withoutField,
} from './product-pages.fixture';

/*
 * Writes through the api with everything real behind it: the vendor sandbox (ServiceTitan), the session
 * manager with a Chromium login, the extractor filling the store the calls refer to, the writer executing
 * the commands, and the api process. A REST write and a NATS command are one operation: same key, same
 * payload, one vendor change; Idempotency-Key semantics as the IETF draft states them.
 */

jest.setTimeout(480_000);

const TENANT = 'tn_api_writes';
const OTHER = 'tn_api_other';
/** A tenant whose Jobber connection logs in as "Office staff": clients, jobs, scheduling, estimates, invoices, no payments. */
const OFFICE = 'tn_api_office';
const OPERATOR = 'operator-token-of-the-api-writes-e2e-0123';
const SESSION_SECRET = 'session-token-secret-of-the-api-writes-e2e-0123';
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('api writes (sandbox, session manager, extractor, writer, api)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('apiw');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let sandbox: RunningSandbox;
  let nc: NatsConnection;
  let client: ApiClient;
  let connectionId = '';
  let writeKey = '';
  let otherKey = '';
  let officeKey = '';
  let officeConnectionId = '';
  /** A client created for this run (through the api), and its first property. */
  let clientId = '';
  let propertyId = '';
  let technicians: string[] = [];
  let totpSecret = '';

  const at = (hours: number): string =>
    new Date(Math.floor(Date.now() / DAY) * DAY + 260 * DAY + hours * HOUR).toISOString();

  /** The sandbox's ServiceTitan jobs of a customer (by the vendor's customer id). */
  async function vendorJobsOf(customerCanonicalId: string): Promise<Record<string, unknown>[]> {
    const row = await db
      .selectFrom('customers')
      .select('external_id')
      .where('id', '=', customerCanonicalId)
      .executeTakeFirstOrThrow();
    const body = await sandbox
      .portal('servicetitan')
      .control<{ data: Record<string, unknown>[] }>('GET', 'world/export/jobs');
    return body.data.filter((job) => String(job['customerId']) === row.external_id);
  }

  const write = (method: string, path: string, body: unknown, key?: string, token = writeKey) =>
    client.call(method, path, { token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  beforeAll(async () => {
    database = await createTestDatabase('api_writes');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    sandbox = await startSandbox({ SANDBOX_SIZE: '60', SANDBOX_SEED: '11', SANDBOX_CLOCK: 'wall' });
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      HOST: '127.0.0.1',
    };
    const manager = await startSessionManager({ ...env, FIELDSYNC_SESSION_TOKEN_SECRET: SESSION_SECRET });
    await manager.admin('PUT', `/tenants/${TENANT}`, { name: 'API writes e2e' });
    await manager.admin('PUT', `/tenants/${OTHER}`, { name: 'Another tenant' });
    const st = sandbox.portal('servicetitan');
    totpSecret = (await userOf(st, 'st.admin')).totpSecret ?? '';
    const connection = await manager.admin('POST', '/connections', {
      tenantId: TENANT,
      vendor: 'servicetitan',
      portalUrl: st.url,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      mfa: { method: 'totp', secret: (await userOf(st, 'st.admin')).totpSecret },
    });
    connectionId = connection.id;
    await manager.admin('PUT', `/tenants/${OFFICE}`, { name: 'An office-staff login' });
    const office = await manager.admin('POST', '/connections', {
      tenantId: OFFICE,
      vendor: 'jobber',
      portalUrl: sandbox.portal('jobber').url,
      username: 'office@greenleaf-hvac.example',
      password: 'Sandbox!Office1',
    });
    officeConnectionId = office.id;
    await spawnReady('extractor', (port) => ({
      ...env,
      PORT: String(port),
      EXTRACTOR_CONNECTIONS_REFRESH: '1s',
      EXTRACTOR_STREAM_INTERVALS:
        'customers=2s,locations=2s,jobs=2s,appointments=2s,appointment-assignments=2s,technicians=2s',
    }));
    await spawnReady('writer', (port) => ({ ...env, PORT: String(port) }), { readyTimeoutMs: 60_000 });
    const api = await spawnReady(
      'api',
      (port) => ({
        ...env,
        PORT: String(port),
        FIELDSYNC_ADMIN_TOKEN: OPERATOR,
        API_COMMAND_WAIT: '30s',
        FIELDSYNC_SESSION_TOKEN_SECRET: SESSION_SECRET,
        SESSION_MANAGER_URL: `http://127.0.0.1:${manager.port}`,
      }),
      { readyTimeoutMs: 60_000 },
    );
    client = new ApiClient(`http://127.0.0.1:${api.port}`);
    client.useDocument((await client.get('/openapi.json')).json);
    nc = await connectNats({ servers: services.natsUrl, name: 'api-writes-e2e', timeoutMs: 5_000 });
    const key = async (tenantId: string, scopes: string[]) =>
      (await client.call('POST', '/api-keys', { token: OPERATOR, body: { tenantId, name: 'e2e', scopes } }))
        .json['key'] as string;
    writeKey = await key(TENANT, ['write']);
    otherKey = await key(OTHER, ['write']);
    officeKey = await key(OFFICE, ['write']);
    // the store holds the connection's technicians once the first passes are through
    await expectEventually(
      async () => {
        const techs = await client.get('/technicians?pageSize=200', writeKey);
        technicians = (techs.json['items'] as { technicianId: string; active: boolean }[])
          .filter((t) => t.active)
          .map((t) => t.technicianId);
        expect(technicians.length).toBeGreaterThanOrEqual(2);
        const pending = await sql<{ n: number }>`
          select count(*)::int as n from sync_cursors where last_success_at is null`.execute(db);
        expect(pending.rows[0]?.n).toBe(0);
      },
      { timeoutMs: 240_000, intervalMs: 1_000 },
    );
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  it('creates a client through POST /connections/{id}/clients, readable at GET /clients/{id}', async () => {
    const stamp = Date.now();
    const res = await write(
      'POST',
      `/connections/${connectionId}/clients`,
      {
        displayName: `Eastside Pediatrics ${stamp}`,
        primaryContact: { name: 'Dr. Alex Kim', email: `alex.${stamp}@example.com` },
        billingAddress: {
          line1: '1120 Medical Park Dr',
          city: 'Austin',
          region: 'TX',
          postalCode: '78701',
          country: 'US',
        },
      },
      `client-${stamp}`,
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ clientId: expect.any(String) as string, status: 'created' });
    clientId = res.json['clientId'] as string;
    propertyId = res.json['defaultPropertyId'] as string;
    expect(propertyId).toEqual(expect.any(String));
    const read = await client.get(`/clients/${clientId}`, writeKey);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ displayName: `Eastside Pediatrics ${stamp}` });
  });

  it('refuses a write without Idempotency-Key (400 naming the header) and a bad body naming the field, storing nothing', async () => {
    const body = { clientId, propertyId, title: 'No key', scheduledStart: at(10), durationMinutes: 60 };
    const noKey = await write('POST', '/jobs', body);
    expect(noKey.status).toBe(400);
    expect(noKey.json['errors']).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
    const bad = await write('POST', '/jobs', { ...body, title: '', durationMinutes: -1 }, 'bad-body-1');
    expect(bad.status).toBe(400);
    expect((bad.json['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'body.durationMinutes',
      'body.title',
    ]);
    const unknownClient = await write('POST', '/jobs', { ...body, clientId: 'cus_nobody' }, 'bad-body-2');
    expect(unknownClient.status).toBe(404);
    expect(unknownClient.json['errors']).toEqual([expect.objectContaining({ field: 'body.clientId' })]);
    expect(await vendorJobsOf(clientId)).toEqual([]);
  });

  it('POST /jobs: 201, the replay answers the same with Idempotent-Replayed, another body 422, the vendor changed once', async () => {
    const key = `job-${Date.now()}`;
    const body = {
      clientId,
      propertyId,
      title: 'Water heater replacement',
      description: 'Replace 50-gal unit.',
      scheduledStart: at(15),
      durationMinutes: 120,
      assignedTechnicianIds: [technicians[0]],
    };
    const first = await write('POST', '/jobs', body, key);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      jobId: expect.stringMatching(/^job_/) as string,
      status: 'scheduled',
      scheduledStart: expect.any(String) as string,
      links: { self: `/jobs/${String(first.json['jobId'])}` },
    });
    expect(Date.parse(String(first.json['scheduledStart']))).toBe(Date.parse(body.scheduledStart));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const replay = await write('POST', '/jobs', body, key);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await write('POST', '/jobs', { ...body, title: 'Something else' }, key);
    expect(other.status).toBe(422);
    expect(other.json['errors']).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
    expect(await vendorJobsOf(clientId)).toHaveLength(1);
    const job = await client.get(`/jobs/${String(first.json['jobId'])}`, writeKey);
    // ServiceTitan has one summary for title and description
    expect(job.json['title']).toMatch(/^Water heater replacement/);
    const commandId = (
      await db
        .selectFrom('api_idempotency_keys')
        .select('command_id')
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
    ).command_id;
    const command = await client.get(`/commands/${commandId}`, writeKey);
    expect(command.json).toMatchObject({ status: 'succeeded', type: 'job.create', idempotencyKey: key });
    const appointmentId = (command.json['result'] as { appointmentId: string }).appointmentId;
    await expectEventually(async () => {
      const visit = await client.get(`/appointments/${appointmentId}`, writeKey);
      expect(visit.json['assignedTechnicianIds']).toEqual([technicians[0]]);
    });
  });

  it('answers two concurrent calls with one key as one operation (201 and 409, or the same 201), the vendor changed once', async () => {
    const key = `job-concurrent-${Date.now()}`;
    const body = {
      clientId,
      propertyId,
      title: 'Concurrent visit',
      scheduledStart: at(40),
      durationMinutes: 60,
    };
    const before = (await vendorJobsOf(clientId)).length;
    const [a, b] = await Promise.all([write('POST', '/jobs', body, key), write('POST', '/jobs', body, key)]);
    const statuses = [a.status, b.status].sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const created = [a, b].filter((r) => r.status === 201);
    for (const r of created) expect(r.json['jobId']).toBe(created[0]?.json['jobId']);
    const conflict = [a, b].find((r) => r.status === 409);
    if (conflict)
      expect(conflict.json['errors']).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
    expect(await vendorJobsOf(clientId)).toHaveLength(before + 1);
  });

  it('is the same operation over NATS: a command with the REST call’s key and payload gets the stored result', async () => {
    const key = `job-rest-and-nats-${Date.now()}`;
    const body = {
      clientId,
      propertyId,
      title: 'Rest then NATS',
      scheduledStart: at(60),
      durationMinutes: 90,
    };
    const rest = await write('POST', '/jobs', body, key);
    expect(rest.status).toBe(201);
    const before = (await vendorJobsOf(clientId)).length;
    const commandId = newCommandId();
    await new JetStreamPublisher({ nc, prefix }).publish(
      commandSubject({ tenantId: TENANT, connectionId, type: 'job.create' }),
      {
        commandId,
        idempotencyKey: key,
        tenantId: TENANT,
        connectionId,
        type: 'job.create',
        payload: {
          customerId: clientId,
          locationId: propertyId,
          title: 'Rest then NATS',
          appointment: { scheduledStart: body.scheduledStart, durationMinutes: 90 },
        },
        requestedAt: new Date().toISOString(),
      },
      { msgId: commandId, tenantId: TENANT },
    );
    let result: CommandResult | undefined;
    await expectEventually(
      async () => {
        const results = await readStreamJson<CommandResult>(nc, streamName('results', prefix));
        result = results.find((r) => r.commandId === commandId);
        expect(result).toBeDefined();
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(result).toMatchObject({
      status: 'succeeded',
      replayed: true,
      result: { jobId: rest.json['jobId'] },
    });
    expect(await vendorJobsOf(clientId)).toHaveLength(before);
  });

  it('refuses what the Jobber office-staff role may not do (payments) over REST (403) and NATS (forbidden), naming the entitlement; it still reads invoices', async () => {
    // the role the session manager captured at the real login
    const captured = await db
      .selectFrom('sessions')
      .select('user_info')
      .where('connection_id', '=', officeConnectionId)
      .executeTakeFirstOrThrow();
    const entitlements = (captured.user_info as { entitlements: string[] }).entitlements;
    expect(entitlements).toContain('invoices');
    expect(entitlements).not.toContain('payments');

    const invoices = await client.get('/invoices?pageSize=5', officeKey);
    expect(invoices.status).toBe(200);
    const [invoice] = invoices.json['items'] as { invoiceId: string }[];
    expect(invoice).toBeDefined();
    const invoiceId = invoice?.invoiceId ?? '';
    expect((await client.get(`/invoices/${invoiceId}`, officeKey)).status).toBe(200);

    const restKey = `office-payment-${Date.now()}`;
    const rest = await write(
      'POST',
      `/invoices/${invoiceId}/payments`,
      { amount: 10, method: 'cash' },
      restKey,
      officeKey,
    );
    expect(rest.status).toBe(403);
    expect(rest.json['errors']).toEqual([{ field: 'entitlement', message: 'missing payments' }]);
    expect(rest.json['detail']).toMatch(/lacks the payments entitlement/);

    const commandId = newCommandId();
    const natsKey = `office-payment-nats-${Date.now()}`;
    await new JetStreamPublisher({ nc, prefix }).publish(
      commandSubject({ tenantId: OFFICE, connectionId: officeConnectionId, type: 'payment.record' }),
      {
        commandId,
        idempotencyKey: natsKey,
        tenantId: OFFICE,
        connectionId: officeConnectionId,
        type: 'payment.record',
        payload: { invoiceId, currency: 'USD', amount: 10, method: 'cash' },
        requestedAt: new Date().toISOString(),
      },
      { msgId: commandId, tenantId: OFFICE },
    );
    let result: CommandResult | undefined;
    await expectEventually(
      async () => {
        const results = await readStreamJson<CommandResult>(nc, streamName('results', prefix));
        result = results.find((r) => r.commandId === commandId);
        expect(result).toBeDefined();
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(result).toMatchObject({
      status: 'rejected',
      error: { code: 'forbidden', field: 'entitlement', retriable: false },
    });
    expect(result?.error?.message).toMatch(/lacks the payments entitlement needed to send payment\.record/);
    // neither door reached the writer's keys or the vendor
    const keyed = await db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', 'in', [restKey, natsKey])
      .execute();
    expect(keyed).toEqual([]);
    const recorded = await db
      .selectFrom('commands')
      .select('command_id')
      .where('tenant_id', '=', OFFICE)
      .execute();
    expect(recorded).toEqual([]);
  });

  it('dispatches through PATCH /jobs/{jobId}/dispatch, and another tenant sees none of it (404)', async () => {
    const created = await write(
      'POST',
      '/jobs',
      { clientId, propertyId, title: 'To dispatch', scheduledStart: at(80), durationMinutes: 60 },
      `job-to-dispatch-${Date.now()}`,
    );
    expect(created.status).toBe(201);
    const jobId = String(created.json['jobId']);
    const dispatchBody = {
      assignedTechnicianIds: [technicians[1]],
      scheduledStart: at(82),
      durationMinutes: 60,
    };
    const foreign = await write(
      'PATCH',
      `/jobs/${jobId}/dispatch`,
      dispatchBody,
      `dispatch-${jobId}`,
      otherKey,
    );
    expect(foreign.status).toBe(404);
    const foreignRead = await client.get(`/jobs/${jobId}`, otherKey);
    expect(foreignRead.status).toBe(404);
    const dispatched = await write('PATCH', `/jobs/${jobId}/dispatch`, dispatchBody, `dispatch-${jobId}`);
    expect(dispatched.status).toBe(200);
    expect(dispatched.json).toMatchObject({
      jobId,
      assignedTechnicianIds: [technicians[1]],
      scheduledStart: at(82),
    });
    const replay = await write('PATCH', `/jobs/${jobId}/dispatch`, dispatchBody, `dispatch-${jobId}`);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(client.checked).toBeGreaterThan(10);
  });

  it('answers each product page’s example write (the page’s body, the demo data’s ids) in the page’s response shape', async () => {
    const pricebook = (await client.get('/pricebook-items?pageSize=2', writeKey)).json['items'] as {
      itemId: string;
    }[];
    const stamp = Date.now();
    const values: Record<string, unknown> = {
      connectionId,
      username: 'st.admin',
      password: 'Sandbox!Admin1',
      totp: totpCode(totpSecret),
      stamp,
      clientId,
      propertyId,
      technicianId: technicians[0] ?? '',
      scheduledStart: at(100),
      // an installation job type of the demo tenant (a small sandbox world has the first eight of
      // libs/sandbox-world JOB_TYPES); the page's `installation` is its own tenant's
      jobType: 'HVAC System Replacement',
      validUntil: at(24 * 30).slice(0, 10),
      serviceId1: pricebook[0]?.itemId,
      serviceId2: pricebook[1]?.itemId,
      amount: 1,
      collectedAt: new Date().toISOString(),
    };
    let token = '';
    const seen: string[] = [];
    for (const example of PRODUCT_PAGE_WRITE_EXAMPLES) {
      let path = withRunValues(example.path, values);
      let body = withRunValues(example.body, values);
      // a refused body and the one sent after it are two operations: two keys
      let attempt = 0;
      const call = (sent: unknown) =>
        client.call(example.method, path, {
          // as on the pages: the session's token once there is one (the refresh sends it too)
          ...(token === '' ? {} : { token }),
          body: sent,
          headers: path.startsWith('/sessions')
            ? {}
            : { 'idempotency-key': `page-${stamp}-${path}-${(attempt += 1)}` },
        });
      if (path.includes('{invoiceId}')) {
        // the demo data's invoices are paid: the page pays one of the job the page's POST /jobs created
        const invoice = await client.call('POST', `/jobs/${String(values['jobId'])}/invoices`, {
          token,
          body: { lineItems: [{ description: 'Water heater replacement', quantity: 1, unitPrice: 100 }] },
          headers: { 'idempotency-key': `page-invoice-${stamp}` },
        });
        expect({ status: invoice.status, problem: invoice.status >= 300 ? invoice.json : null }).toEqual({
          status: 201,
          problem: null,
        });
        values['invoiceId'] = String(invoice.json['invoiceId']);
        path = withRunValues(example.path, values);
      }
      const refused = Object.keys(example.refused ?? {});
      if (refused.length > 0) {
        const refusal = await call(body);
        const named = ((refusal.json['errors'] ?? []) as { field: string }[]).map((e) => e.field);
        expect({ page: example.page, refused: [400, 422].includes(refusal.status) }).toEqual({
          page: example.page,
          refused: true,
        });
        expect(named.length).toBeGreaterThan(0);
        for (const field of named)
          expect({ page: example.page, field }).toEqual({
            page: example.page,
            field: expect.stringMatching(
              new RegExp(`^(${refused.map((f) => f.replace(/[.[\]]/g, '\\$&')).join('|')})`),
            ) as string,
          });
        for (const field of refused) body = withoutField(body, field);
      }
      const res = await call(body);
      expect({
        page: example.page,
        status: res.status,
        problem: res.status >= 300 ? res.json : null,
      }).toEqual({
        page: example.page,
        status: example.path.startsWith('/sessions') ? 200 : 201,
        problem: null,
      });
      expect({
        page: example.page,
        differences: shapeDifferences(example.exampleResponse, res.json),
      }).toEqual({
        page: example.page,
        differences: Object.keys(example.knownGaps ?? {}),
      });
      if (typeof res.json['authToken'] === 'string') token = res.json['authToken'];
      if (typeof res.json['jobId'] === 'string') values['jobId'] = res.json['jobId'];
      if (typeof res.json['clientId'] === 'string') {
        values['serviceAddress'] = (body['properties'] as { address: unknown }[] | undefined)?.[0]?.address;
        values['clientId'] = res.json['clientId'];
        values['propertyId'] = String(res.json['defaultPropertyId']);
      }
      seen.push(example.page);
    }
    expect(seen).toHaveLength(PRODUCT_PAGE_WRITE_EXAMPLES.length);
  });

  it('feeds the published change log at GET /events?after=, by type, to the tenant only', async () => {
    const jobIds = new Set(
      (await db.selectFrom('jobs').select('id').where('tenant_id', '=', TENANT).execute()).map((r) => r.id),
    );
    await expectEventually(async () => {
      const subjects: string[] = [];
      for (let after = 0; ;) {
        const feed = await client.get(`/events?after=${after}&types=job.created&limit=500`, writeKey);
        expect(feed.status).toBe(200);
        const items = feed.json['items'] as { subject: string; type: string }[];
        if (items.length === 0) break;
        subjects.push(...items.map((e) => e.subject));
        after = feed.json['nextAfter'] as number;
      }
      // one job.created per stored job, none of another type
      expect(subjects.sort()).toEqual([...jobIds].sort());
    });
    const first = await client.get('/events?after=0&limit=2', writeKey);
    const positions = first.json['positions'] as number[];
    expect(positions).toHaveLength(2);
    const next = await client.get(`/events?after=${String(first.json['nextAfter'])}&limit=2`, writeKey);
    expect((next.json['positions'] as number[])[0]).toBeGreaterThan(positions[1] ?? 0);
    const foreign = await client.get('/events?after=0&limit=500', otherKey);
    expect(foreign.json['items']).toEqual([]);
  });
});
