import {
  canonicalId,
  entityTypeSchema,
  exampleEntities,
  type EntityType,
  type Vendor,
} from '@fieldsync/canonical-model';
import {
  ChangeLog,
  createDatabase,
  migrateToLatest,
  type DB,
  type MappedRecord,
} from '@fieldsync/persistence';
import {
  createTestDatabase,
  deleteStreamsWithPrefix,
  getTestServices,
  killSpawnedServices,
  spawnReady,
  uniqueStreamPrefix,
  type SpawnedService,
  type TestDatabase,
} from '@fieldsync/testing';
import { sessionTokenKey, signSessionToken } from '@fieldsync/session-client';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { RESOURCES } from '../src/resources/resource.registry';
import { ApiClient, type ApiResponse } from './api-client.util';

import { openApiProblems } from './openapi-validator.util';
import { PRODUCT_PAGE_EXAMPLES, shapeDifferences } from './product-pages.fixture';

/*
 * The api process over real Postgres and NATS, with two tenants' canonical stores written through the
 * change log (the one door to the store): API keys (operator and admin key, scopes, revocation, closed
 * without an operator token), every collection and its filters and cursor, the product pages' examples,
 * the cross-tenant matrix, 1,000 fuzzed requests, and every answer checked against /openapi.json.
 */

jest.setTimeout(240_000);

const OPERATOR = 'operator-token-of-the-api-e2e-0123456789';
const SESSION_SECRET = 'session-token-secret-of-the-api-e2e-0123456789';
const TENANT_A = 'tn_api_a';
const TENANT_B = 'tn_api_b';
/** A tenant whose only connection logged in with an accounting role (clients, invoices, payments). */
const TENANT_C = 'tn_api_c';
const C1 = 'con_api_c1';
const A1 = 'con_api_a1';
const B1 = 'con_api_b1';
const CONNECTIONS: { id: string; tenantId: string; vendor: Vendor }[] = [
  { id: A1, tenantId: TENANT_A, vendor: 'servicetitan' },
  { id: 'con_api_a2', tenantId: TENANT_A, vendor: 'jobber' },
  { id: B1, tenantId: TENANT_B, vendor: 'jobber' },
  { id: C1, tenantId: TENANT_C, vendor: 'servicetitan' },
];

/** The entity behind each collection, for picking a record id of it. */
const isProblem = (res: ApiResponse): boolean =>
  (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
const fields = (res: ApiResponse): string[] =>
  ((res.json['errors'] as { field: string }[] | undefined) ?? []).map((e) => e.field);

describe('api (real Postgres, NATS and the api process)', () => {
  const services = getTestServices();
  const prefix = uniqueStreamPrefix('apie2e');
  let database: TestDatabase;
  let db: Kysely<DB>;
  let api: SpawnedService;
  let client: ApiClient;
  let dispatcherUrl = '';
  /** Record ids per tenant and entity, as stored. */
  const ids = new Map<string, Map<EntityType, string[]>>();
  const keys: Record<'adminA' | 'readA' | 'readB' | 'adminB' | 'readC' | 'writeC', string> = {
    adminA: '',
    readA: '',
    readB: '',
    adminB: '',
    readC: '',
    writeC: '',
  };

  async function seed(connection: (typeof CONNECTIONS)[number]): Promise<void> {
    const entities = exampleEntities({ connectionId: connection.id, vendor: connection.vendor });
    entities.job.notes = 'Bring MERV-13 filters';
    entities.job.tags = ['water-heater', 'residential'];
    const extraJob = {
      ...entities.job,
      id: canonicalId(connection.id, 'job', '401'),
      externalId: '401',
      status: 'completed' as const,
      vendorStatus: 'Completed',
      completedAt: '2026-03-05T18:00:00Z',
      scheduledStart: '2026-03-05T15:00:00Z',
      scheduledEnd: '2026-03-05T17:00:00Z',
      technicianIds: [],
      tags: ['maintenance'],
      serviceAddress: {
        line1: '500 Eastside Blvd',
        line2: null,
        city: 'Atlanta',
        region: 'GA',
        postalCode: '30312',
        country: 'US',
        geo: null,
      },
      updatedAt: '2026-03-05T18:00:00Z',
    };
    const records: MappedRecord[] = [
      ...Object.entries(entities)
        .filter(([entity]) => entity !== 'line_item')
        .map(([entity, object]) => ({
          entity: entityTypeSchema.parse(entity),
          externalId: object.externalId,
          object,
          raw: { fixture: true },
          deleted: false,
        })),
      { entity: 'job', externalId: '401', object: extraJob, raw: { fixture: true }, deleted: false },
    ];
    const changeLog = new ChangeLog(db);
    await db.transaction().execute((trx) =>
      changeLog.record(
        trx,
        {
          tenantId: connection.tenantId,
          connectionId: connection.id,
          vendor: connection.vendor,
          now: new Date(),
        },
        records,
        { generation: 'ahead' },
      ),
    );
    const byEntity = ids.get(connection.tenantId) ?? new Map<EntityType, string[]>();
    for (const record of records) {
      byEntity.set(record.entity, [...(byEntity.get(record.entity) ?? []), record.object.id]);
    }
    ids.set(connection.tenantId, byEntity);
  }

  const idsOf = (tenant: string, entity: EntityType): string[] => ids.get(tenant)?.get(entity) ?? [];

  async function createKey(token: string, body: Record<string, unknown>): Promise<string> {
    const res = await client.call('POST', '/api-keys', { token, body });
    expect(res.status).toBe(201);
    return res.json['key'] as string;
  }

  beforeAll(async () => {
    database = await createTestDatabase('api_e2e');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    await db
      .insertInto('tenants')
      .values([
        { id: TENANT_A, name: 'Tenant A' },
        { id: TENANT_B, name: 'Tenant B' },
        { id: TENANT_C, name: 'Tenant C' },
      ])
      .execute();
    await db
      .insertInto('connections')
      .values(
        CONNECTIONS.map((c) => ({
          id: c.id,
          tenant_id: c.tenantId,
          vendor: c.vendor,
          portal_url: `https://${c.vendor}.example.test`,
          username: `${c.id}@example.test`,
          status: 'active',
        })),
      )
      .execute();
    for (const connection of CONNECTIONS) await seed(connection);
    // What the extractor keeps per stream: A1's jobs caught up a minute ago, its invoices failing twice.
    await db
      .insertInto('sync_cursors')
      .values([
        {
          connection_id: A1,
          entity_type: 'jobs',
          tenant_id: TENANT_A,
          last_success_at: new Date(Date.now() - 60_000),
          records_synced: '42',
          sync_generation: '3',
          cursor: JSON.stringify({
            checkpoint: '2026-03-05T18:00:00Z',
            reconciledAt: '2026-03-05T18:00:00.000Z',
            passStartedAt: '2026-03-05T17:59:00.000Z',
          }),
        },
        {
          connection_id: A1,
          entity_type: 'invoices',
          tenant_id: TENANT_A,
          last_error: 'unavailable: Jobber answered 503',
          last_error_at: new Date(),
          consecutive_failures: 2,
        },
        { connection_id: B1, entity_type: 'jobs', tenant_id: TENANT_B },
      ])
      .execute();
    await db
      .insertInto('drift_reports')
      .values(
        [
          { id: 'drf_api_a1', tenantId: TENANT_A, connectionId: A1, vendor: 'servicetitan' },
          { id: 'drf_api_b1', tenantId: TENANT_B, connectionId: B1, vendor: 'jobber' },
        ].map((d) => ({
          id: d.id,
          tenant_id: d.tenantId,
          connection_id: d.connectionId,
          vendor: d.vendor,
          entity_type: 'job',
          kind: 'wire_schema',
          fingerprint: `fp_${d.id}`,
          external_id: '7001',
          raw: JSON.stringify({ id: 7001, jobState: 'Scheduled' }),
          issues: JSON.stringify([{ path: 'jobStatus', code: 'invalid_type', message: 'Required' }]),
        })),
      )
      .execute();
    // what the session manager records at an accounting user's login (sessions.user_info; the sealed state
    // is never read by the api)
    await db
      .insertInto('sessions')
      .values({
        connection_id: C1,
        tenant_id: TENANT_C,
        state_encrypted: Buffer.from('sealed-state-unused-by-the-api'),
        key_id: 'k1',
        user_info: JSON.stringify({
          id: 'st-accounting',
          name: 'Avery Accounting',
          role: 'Accounting',
          entitlements: ['clients', 'invoices', 'payments'],
        }),
      })
      .execute();
    // The session manager behind POST /sessions, signing with the secret the api checks tokens with.
    const { port: sessionManagerPort } = await spawnReady('session-manager', (port) => ({
      DATABASE_URL: database.url,
      NATS_URL: services.natsUrl,
      FIELDSYNC_STREAM_PREFIX: prefix,
      FIELDSYNC_STREAM_STORAGE: 'memory',
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      FIELDSYNC_ADMIN_TOKEN: OPERATOR,
      FIELDSYNC_SESSION_TOKEN_SECRET: SESSION_SECRET,
      SESSION_AUTO_LOGIN: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
    }));
    const sessionManagerUrl = `http://127.0.0.1:${sessionManagerPort}`;
    // The webhook dispatcher whose operator API serves /webhook-endpoints for the key's tenant.
    const { port: dispatcherPort } = await spawnReady(
      'webhook-dispatcher',
      (port) => ({
        DATABASE_URL: database.url,
        NATS_URL: services.natsUrl,
        FIELDSYNC_STREAM_PREFIX: prefix,
        FIELDSYNC_STREAM_STORAGE: 'memory',
        FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
        FIELDSYNC_ADMIN_TOKEN: OPERATOR,
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
      { readyTimeoutMs: 60_000 },
    );
    dispatcherUrl = `http://127.0.0.1:${dispatcherPort}`;
    ({ service: api } = await spawnReady(
      'api',
      (port) => ({
        DATABASE_URL: database.url,
        NATS_URL: services.natsUrl,
        FIELDSYNC_STREAM_PREFIX: prefix,
        FIELDSYNC_STREAM_STORAGE: 'memory',
        FIELDSYNC_ADMIN_TOKEN: OPERATOR,
        FIELDSYNC_SESSION_TOKEN_SECRET: SESSION_SECRET,
        SESSION_MANAGER_URL: sessionManagerUrl,
        WEBHOOK_DISPATCHER_URL: dispatcherUrl,
        // the fuzzing below sends ~1,000 requests with one key; the limit has its own test
        API_RATE_LIMIT: '100000',
        PORT: String(port),
        HOST: '127.0.0.1',
      }),
      { readyTimeoutMs: 60_000 },
    ).then((started) => {
      client = new ApiClient(`http://127.0.0.1:${started.port}`);
      return started;
    }));
    const openapi = await client.get('/openapi.json');
    client.useDocument(openapi.json);
    keys.adminA = await createKey(OPERATOR, { tenantId: TENANT_A, name: 'A admin', scopes: ['admin'] });
    keys.readA = await createKey(keys.adminA, { name: 'A reader', scopes: ['read'] });
    keys.adminB = await createKey(OPERATOR, { tenantId: TENANT_B, name: 'B admin', scopes: ['admin'] });
    keys.readB = await createKey(keys.adminB, { name: 'B reader', scopes: ['read'] });
    keys.readC = await createKey(OPERATOR, { tenantId: TENANT_C, name: 'C reader', scopes: ['read'] });
    keys.writeC = await createKey(OPERATOR, { tenantId: TENANT_C, name: 'C writer', scopes: ['write'] });
  });

  afterAll(async () => {
    await killSpawnedServices();
    await db?.destroy();
    await database?.drop();
    await deleteStreamsWithPrefix(prefix);
  });

  describe('the OpenAPI document', () => {
    it('is a valid OpenAPI 3.1 document (swagger-parser) with every collection, and /docs renders it', async () => {
      const res = await client.get('/openapi.json');
      expect(openApiProblems(res.body)).toBeUndefined();
      expect(res.json['openapi']).toBe('3.1.0');
      const paths = Object.keys(res.json['paths'] as object);
      for (const resource of RESOURCES) {
        expect(paths).toEqual(
          expect.arrayContaining([`/${resource.name}`, `/${resource.name}/{${resource.idField}}`]),
        );
      }
      const docs = await fetch(`${client.base}/docs`);
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await docs.text();
      expect(html).toContain('<code>/jobs/{jobId}</code>');
      expect(html).toContain('id="schema-Job"');
    });
  });

  describe('API keys and authentication', () => {
    it('refuses a call without credentials: 401 problem details naming the header, with the request id', async () => {
      const res = await client.get('/jobs');
      expect(res.status).toBe(401);
      expect(isProblem(res)).toBe(true);
      expect(fields(res)).toEqual(['header.authorization']);
      expect(res.json['instance']).toBe(res.headers.get('x-request-id'));
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9A-Z]{26}$/);
    });

    it('echoes a caller’s well-formed X-Request-Id and replaces a malformed one', async () => {
      const mine = await client.call('GET', '/jobs', {
        token: keys.readA,
        headers: { 'x-request-id': 'trace-abc-12345' },
      });
      expect(mine.headers.get('x-request-id')).toBe('trace-abc-12345');
      const bad = await client.call('GET', '/jobs', {
        token: keys.readA,
        headers: { 'x-request-id': 'x y' },
      });
      expect(bad.headers.get('x-request-id')).toMatch(/^req_/);
    });

    it('names the field of a bad key request, the tenant the operator must name, and hides other tenants', async () => {
      const noTenant = await client.call('POST', '/api-keys', {
        token: OPERATOR,
        body: { name: 'x', scopes: ['read'] },
      });
      expect(noTenant.status).toBe(400);
      expect(fields(noTenant)).toEqual(['body.tenantId']);
      const badScope = await client.call('POST', '/api-keys', {
        token: OPERATOR,
        body: { tenantId: TENANT_A, name: 'x', scopes: ['root'] },
      });
      expect(badScope.status).toBe(400);
      expect(fields(badScope)).toEqual(['body.scopes.0']);
      const unknownTenant = await client.call('POST', '/api-keys', {
        token: OPERATOR,
        body: { tenantId: 'tn_nobody', name: 'x', scopes: ['read'] },
      });
      expect(unknownTenant.status).toBe(404);
      const otherTenant = await client.call('POST', '/api-keys', {
        token: keys.adminB,
        body: { tenantId: TENANT_A, name: 'x', scopes: ['read'] },
      });
      expect(otherTenant.status).toBe(404);
      const readerMakingKeys = await client.call('POST', '/api-keys', {
        token: keys.readA,
        body: { name: 'x', scopes: ['read'] },
      });
      expect(readerMakingKeys.status).toBe(403);
      const operatorReading = await client.get('/jobs', OPERATOR);
      expect(operatorReading.status).toBe(403);
    });

    it('stores only a scrypt hash of each key, lists keys without secrets, and audits every key change', async () => {
      const listed = await client.get('/api-keys', keys.adminA);
      expect(listed.status).toBe(200);
      const items = listed.json['items'] as { prefix: string; tenantId: string }[];
      expect(items.map((k) => k.tenantId)).toEqual([TENANT_A, TENANT_A]);
      expect(JSON.stringify(listed.body)).not.toContain(keys.adminA);
      expect(JSON.stringify(listed.body)).not.toContain(keys.readA.slice(keys.readA.lastIndexOf('_') + 1));
      const rows = await db.selectFrom('api_keys').selectAll().execute();
      for (const row of rows) {
        expect(row.key_hash).toHaveLength(32);
        expect(JSON.stringify(row)).not.toContain(keys.adminA.slice(-43));
        expect(JSON.stringify(row)).not.toContain(keys.readA.slice(-43));
      }
      const audit = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'api_key.created')
        .execute();
      expect(audit.map((a) => a.actor).sort()).toEqual(
        expect.arrayContaining([
          'operator',
          'operator',
          expect.stringMatching(/^key:ak_/),
          expect.stringMatching(/^key:ak_/),
        ]),
      );
      expect(api.output()).not.toContain(keys.readA);
      expect(api.output()).not.toContain(OPERATOR);
    });

    it('refuses a revoked key with 401 within a second of the revocation, and another tenant cannot revoke it', async () => {
      const doomed = await client.call('POST', '/api-keys', {
        token: keys.adminA,
        body: { name: 'doomed', scopes: ['read'] },
      });
      const doomedKey = doomed.json['key'] as string;
      expect((await client.get('/jobs', doomedKey)).status).toBe(200);
      const fromB = await client.call('DELETE', `/api-keys/${String(doomed.json['id'])}`, {
        token: keys.adminB,
      });
      expect(fromB.status).toBe(404);
      const revoked = await client.call('DELETE', `/api-keys/${String(doomed.json['id'])}`, {
        token: keys.adminA,
      });
      expect(revoked.status).toBe(200);
      const revokedAt = Date.now();
      const after = await client.get('/jobs', doomedKey);
      expect(after.status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect(after.json['detail']).toMatch(/revoked/);
      const audit = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'api_key.revoked')
        .execute();
      expect(audit).toEqual([expect.objectContaining({ tenant_id: TENANT_A, target_id: doomed.json['id'] })]);
    });

    it('refuses a key revoked elsewhere (another replica, SQL) with 401 within a second, though this process had just read it', async () => {
      const other = await client.call('POST', '/api-keys', {
        token: keys.adminA,
        body: { name: 'revoked by another replica', scopes: ['read'] },
      });
      const otherKey = other.json['key'] as string;
      // in use, so its row is in this process's short-lived cache when the revocation lands
      for (let i = 0; i < 5; i += 1)
        expect((await client.get('/jobs?pageSize=1', otherKey)).status).toBe(200);
      await db
        .updateTable('api_keys')
        .set({ revoked_at: new Date(), revoked_by: 'operator' })
        .where('id', '=', String(other.json['id']))
        .execute();
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 2_000) {
        status = (await client.get('/jobs?pageSize=1', otherKey)).status;
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
    });

    it('serves the audit log to admin keys (their tenant) and the operator, filtered by action', async () => {
      const all = await client.get('/audit-log', keys.adminA);
      expect(all.status).toBe(200);
      const actions = (all.json['items'] as { action: string }[]).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['api_key.created', 'api_key.revoked']));
      const revoked = await client.get('/audit-log?action=api_key.revoked', keys.adminA);
      expect(revoked.json['items']).toEqual([
        expect.objectContaining({
          action: 'api_key.revoked',
          actor: expect.stringMatching(/^key:ak_/) as string,
        }),
      ]);
      const fromB = await client.get('/audit-log?action=api_key.revoked', keys.adminB);
      expect(fromB.json['total']).toBe(0);
      expect((await client.get(`/audit-log?tenantId=${TENANT_A}`, keys.adminB)).status).toBe(404);
      expect((await client.get(`/audit-log?tenantId=${TENANT_A}`, OPERATOR)).json['total']).toBe(
        all.json['total'],
      );
      expect((await client.get('/audit-log', keys.readA)).status).toBe(403);
      const bad = await client.get('/audit-log?from=yesterday', keys.adminA);
      expect(bad.json['errors']).toEqual([expect.objectContaining({ field: 'query.from' })]);
    });

    it('is closed without FIELDSYNC_ADMIN_TOKEN: no bearer is the operator', async () => {
      const { service, port } = await spawnReady(
        'api',
        (p) => ({
          DATABASE_URL: database.url,
          NATS_URL: services.natsUrl,
          FIELDSYNC_STREAM_PREFIX: prefix,
          FIELDSYNC_STREAM_STORAGE: 'memory',
          PORT: String(p),
          HOST: '127.0.0.1',
        }),
        { readyTimeoutMs: 60_000 },
      );
      try {
        const closed = new ApiClient(`http://127.0.0.1:${port}`);
        for (const token of [OPERATOR, '', 'anything-at-all-24-characters-long']) {
          const res = await closed.call('POST', '/api-keys', {
            token,
            body: { tenantId: TENANT_A, name: 'x', scopes: ['admin'] },
          });
          expect(res.status).toBe(401);
        }
        // an admin key of the tenant still manages its keys
        expect((await closed.get('/api-keys', keys.adminA)).status).toBe(200);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    });
  });

  describe('rate limits', () => {
    it('counts each key’s requests (RateLimit headers) and answers 429 with Retry-After past its limit', async () => {
      const { service, port } = await spawnReady(
        'api',
        (p) => ({
          DATABASE_URL: database.url,
          NATS_URL: services.natsUrl,
          FIELDSYNC_STREAM_PREFIX: prefix,
          FIELDSYNC_STREAM_STORAGE: 'memory',
          API_RATE_LIMIT: '3',
          API_RATE_LIMIT_WINDOW: '10m',
          PORT: String(p),
          HOST: '127.0.0.1',
        }),
        { readyTimeoutMs: 60_000 },
      );
      try {
        const limited = new ApiClient(`http://127.0.0.1:${port}`);
        limited.useDocument((await limited.get('/openapi.json')).json);
        const remaining: (string | null)[] = [];
        for (let i = 0; i < 3; i += 1) {
          const res = await limited.get('/jobs?pageSize=1', keys.readA);
          expect(res.status).toBe(200);
          expect(res.headers.get('ratelimit-limit')).toBe('3');
          remaining.push(res.headers.get('ratelimit-remaining'));
        }
        expect(remaining).toEqual(['2', '1', '0']);
        const refused = await limited.get('/jobs?pageSize=1', keys.readA);
        expect(refused.status).toBe(429);
        expect(refused.json['errors']).toEqual([
          { field: 'header.authorization', message: 'rate limit exceeded' },
        ]);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        // another key has its own window
        expect((await limited.get('/jobs?pageSize=1', keys.readB)).status).toBe(200);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    });
  });

  describe('reads over the canonical store', () => {
    it('lists every collection of the tenant in the envelope, each item by its id, nothing of the other tenant', async () => {
      for (const resource of RESOURCES) {
        const res = await client.get(`/${resource.name}?pageSize=200`, keys.readA);
        expect({ collection: resource.name, status: res.status }).toEqual({
          collection: resource.name,
          status: 200,
        });
        const items = res.json['items'] as Record<string, string>[];
        const expected = idsOf(TENANT_A, resource.entity);
        expect(items.map((i) => i[resource.idField]).sort()).toEqual([...expected].sort());
        expect(res.json).toMatchObject({ page: 1, pageSize: 200, total: expected.length, nextCursor: null });
        const first = items[0] as Record<string, string>;
        const one = await client.get(`/${resource.name}/${first[resource.idField]}`, keys.readA);
        expect(one.status).toBe(200);
        expect(one.body).toEqual(first);
      }
    });

    it('applies the product pages’ filters', async () => {
      const q = async (query: string): Promise<string[]> => {
        const res = await client.get(`/jobs?${query}`, keys.readA);
        expect(res.status).toBe(200);
        return (res.json['items'] as { jobId: string; connectionId: string }[]).map(
          (j) => `${j.connectionId}:${j.jobId}`,
        );
      };
      const a1 = A1;
      expect((await q('status=scheduled')).length).toBe(2);
      expect((await q('status=completed')).length).toBe(2);
      const technician = exampleEntities({ connectionId: a1, vendor: 'servicetitan' }).technician.id;
      expect(await q(`technicianId=${technician}`)).toEqual([
        `${a1}:${exampleEntities({ connectionId: a1, vendor: 'servicetitan' }).job.id}`,
      ]);
      expect(await q(`assignedUserId=${technician}&status=completed`)).toEqual([]);
      // the technician's key carries the status and the tenant (assignment_keys index)
      const example = exampleEntities({ connectionId: a1, vendor: 'servicetitan' }).job;
      expect(await q(`technicianId=${technician}&status=${example.status}`)).toEqual([`${a1}:${example.id}`]);
      const otherTenant = await client.get(`/jobs?technicianId=${technician}`, keys.readB);
      expect(otherTenant.json).toMatchObject({ items: [], total: 0 });
      expect((await q('fromDate=2026-03-05&toDate=2026-03-05')).length).toBe(2);
      expect((await q('scheduledFrom=2026-02-01T15:00:00Z&scheduledTo=2026-02-01')).length).toBe(2);
      expect((await q('tag=maintenance&city=Atlanta&region=GA')).length).toBe(2);
      expect((await q(`connectionId=${a1}`)).length).toBe(2);
      expect(await q('updatedFrom=2026-03-01T00:00:00Z')).toHaveLength(2);
      expect(await q('updatedTo=2026-02-01T00:00:00Z')).toHaveLength(2);
      const byConnection = await client.get(`/connections/${a1}/jobs?status=completed`, keys.readA);
      expect(byConnection.json['total']).toBe(1);
    });

    it('pages by page/pageSize and by the opaque keyset cursor, every record exactly once', async () => {
      const all = idsOf(TENANT_A, 'job');
      const paged: string[] = [];
      for (let page = 1; page <= all.length; page += 1) {
        const res = await client.get(`/jobs?pageSize=1&page=${page}`, keys.readA);
        expect(res.json).toMatchObject({ page, pageSize: 1, total: all.length });
        paged.push(...(res.json['items'] as { jobId: string }[]).map((j) => j.jobId));
      }
      expect(paged.sort()).toEqual([...all].sort());
      const walked: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const res = await client.get(`/jobs?pageSize=1${cursor ? `&cursor=${cursor}` : ''}`, keys.readA);
        walked.push(...(res.json['items'] as { jobId: string }[]).map((j) => j.jobId));
        if (cursor) expect(res.json['total']).toBeNull();
        cursor = res.json['nextCursor'] as string | null;
      }
      expect(walked.sort()).toEqual([...all].sort());
      const both = await client.get(`/jobs?page=2&cursor=${'x'.repeat(8)}`, keys.readA);
      expect(both.status).toBe(400);
      expect(fields(both).sort()).toEqual(['query.cursor', 'query.page']);
    });

    it('answers each product page’s example request with the example’s fields and types', async () => {
      for (const example of PRODUCT_PAGE_EXAMPLES) {
        const res = await client.get(example.request, keys.readA);
        expect({ page: example.page, status: res.status }).toEqual({ page: example.page, status: 200 });
        expect(shapeDifferences({ items: [], page: 1, pageSize: 50, total: 1 }, res.body)).toEqual([]);
        const items = res.json['items'] as unknown[];
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) {
          expect({ page: example.page, differences: shapeDifferences(example.exampleItem, item) }).toEqual({
            page: example.page,
            differences: [],
          });
        }
      }
    });

    it('names the bad query field', async () => {
      const cases: [string, string[]][] = [
        ['/jobs?status=flying', ['query.status']],
        ['/jobs?pageSize=0', ['query.pageSize']],
        ['/jobs?pageSize=201', ['query.pageSize']],
        ['/jobs?fromDate=2026-02-30', ['query.fromDate']],
        ['/jobs?updatedFrom=yesterday', ['query.updatedFrom']],
        ['/jobs?colour=red', ['query.colour']],
        ['/jobs?status=scheduled&status=completed', ['query.status']],
        ['/technicians?status=active', ['query.status']],
      ];
      for (const [path, named] of cases) {
        const res = await client.get(path, keys.readA);
        expect({ path, status: res.status, fields: fields(res) }).toEqual({
          path,
          status: 400,
          fields: named,
        });
        expect(isProblem(res)).toBe(true);
      }
    });
  });

  describe('entitlements of the connection’s vendor role', () => {
    it('lets an accounting role read invoices but not jobs (403 naming the entitlement), nor dispatch', async () => {
      const invoices = await client.get('/invoices', keys.readC);
      expect(invoices.status).toBe(200);
      expect(invoices.json['total']).toBe(1);
      expect((await client.get('/customers', keys.readC)).status).toBe(200);
      const cJob = idsOf(TENANT_C, 'job')[0] ?? '';
      for (const path of ['/jobs', `/connections/${C1}/jobs`, `/jobs/${cJob}`]) {
        const res = await client.get(path, keys.readC);
        expect({ path, status: res.status, errors: res.json['errors'] }).toEqual({
          path,
          status: 403,
          errors: [{ field: 'entitlement', message: 'missing jobs' }],
        });
        expect(res.json['detail']).toMatch(/lacks the jobs entitlement/);
      }
      const dispatch = await client.call('PATCH', `/jobs/${cJob}/dispatch`, {
        token: keys.writeC,
        body: { assignedTechnicianIds: [], scheduledStart: '2026-02-02T15:00:00Z', durationMinutes: 60 },
        headers: { 'idempotency-key': 'dispatch-refused-1' },
      });
      expect(dispatch.status).toBe(403);
      expect(dispatch.json['errors']).toEqual([{ field: 'entitlement', message: 'missing scheduling' }]);
      const claimed = await db
        .selectFrom('api_idempotency_keys')
        .selectAll()
        .where('tenant_id', '=', TENANT_C)
        .execute();
      expect(claimed).toEqual([]);
    });

    it('enforces a role captured at a new login within a second, though reads keep the entitlements for 250 ms', async () => {
      const roleOf = (entitlements: string[]) =>
        db
          .updateTable('sessions')
          .set({
            user_info: JSON.stringify({
              id: 'st-accounting',
              name: 'Avery',
              role: 'Accounting',
              entitlements,
            }),
          })
          .where('connection_id', '=', C1)
          .execute();
      /** Milliseconds until GET /jobs answers `status` with the read key of tenant C. */
      const until = async (status: number): Promise<number> => {
        const since = Date.now();
        let seen = 0;
        while (seen !== status && Date.now() - since < 2_000)
          seen = (await client.get('/jobs', keys.readC)).status;
        expect(seen).toBe(status);
        return Date.now() - since;
      };
      expect((await client.get('/jobs', keys.readC)).status).toBe(403);
      try {
        await roleOf(['clients', 'invoices', 'payments', 'jobs']);
        expect(await until(200)).toBeLessThan(1_000);
      } finally {
        await roleOf(['clients', 'invoices', 'payments']);
      }
      expect(await until(403)).toBeLessThan(1_000);
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 to every route with the other tenant’s ids, and lists none of them', async () => {
      let tried = 0;
      for (const [reader, mine, theirs, theirConnection] of [
        [keys.readB, TENANT_B, TENANT_A, A1],
        [keys.readA, TENANT_A, TENANT_B, B1],
      ] as const) {
        for (const resource of RESOURCES) {
          for (const id of idsOf(theirs, resource.entity)) {
            const direct = await client.get(`/${resource.name}/${id}`, reader);
            const viaConnection = await client.get(
              `/connections/${theirConnection}/${resource.name}/${id}`,
              reader,
            );
            expect([direct.status, viaConnection.status]).toEqual([404, 404]);
            tried += 2;
          }
          const list = await client.get(`/connections/${theirConnection}/${resource.name}`, reader);
          const filtered = await client.get(`/${resource.name}?connectionId=${theirConnection}`, reader);
          expect([list.status, filtered.status]).toEqual([404, 404]);
          const own = await client.get(`/${resource.name}?pageSize=200`, reader);
          const listed = JSON.stringify(own.body);
          for (const id of idsOf(theirs, resource.entity)) expect(listed).not.toContain(id);
          expect((own.json['items'] as unknown[]).length).toBe(idsOf(mine, resource.entity).length);
          tried += 3;
        }
      }
      expect(tried).toBeGreaterThan(100);
    });
  });

  describe('operations: connections and drift reports', () => {
    it('lists the tenant’s connections with each stream’s sync state: last success, lag, errors, passes', async () => {
      const res = await client.get('/connections', keys.readA);
      expect(res.status).toBe(200);
      const items = res.json['items'] as {
        connectionId: string;
        vendor: string;
        sync: { lastSuccessAt: string | null; errors: number; streams: Record<string, unknown>[] };
      }[];
      expect(items.map((c) => [c.connectionId, c.vendor])).toEqual([
        [A1, 'servicetitan'],
        ['con_api_a2', 'jobber'],
      ]);
      const a1 = items[0];
      expect(a1?.sync.errors).toBe(1);
      // One stream never succeeded: nothing can be said to be fresh as of any time.
      expect(a1?.sync.lastSuccessAt).toBeNull();
      const [invoices, jobs] = a1?.sync.streams ?? [];
      expect(invoices).toMatchObject({
        stream: 'invoices',
        lastSuccessAt: null,
        lagSeconds: null,
        lastError: 'unavailable: Jobber answered 503',
        consecutiveFailures: 2,
      });
      expect(jobs).toMatchObject({
        stream: 'jobs',
        recordsSynced: 42,
        reconciliation: {
          generation: 3,
          inProgress: false,
          completedAt: '2026-03-05T18:00:00.000Z',
          requestPending: false,
        },
      });
      expect(jobs?.['lagSeconds']).toBeGreaterThanOrEqual(60);
      expect(jobs?.['lagSeconds']).toBeLessThan(600);
      const one = await client.get(`/connections/${A1}`, keys.readA);
      expect(one.status).toBe(200);
      expect(one.json['connectionId']).toBe(A1);
      // Another tenant's connection is not there.
      expect((await client.get(`/connections/${B1}`, keys.readA)).status).toBe(404);
      expect((await client.get(`/connections/${A1}`, keys.readB)).status).toBe(404);
      const b = await client.get('/connections', keys.readB);
      expect(JSON.stringify(b.body)).not.toContain(A1);
    });

    it('lists drift reports, resolves one with a write key (audited), and hides the other tenant’s', async () => {
      const open = await client.get('/drift-reports?resolved=false', keys.readA);
      expect(open.status).toBe(200);
      expect(open.json).toMatchObject({ page: 1, pageSize: 50, total: 1 });
      expect(open.json['items']).toEqual([
        expect.objectContaining({
          driftReportId: 'drf_api_a1',
          connectionId: A1,
          entityType: 'job',
          raw: { id: 7001, jobState: 'Scheduled' },
          resolvedAt: null,
        }),
      ]);
      const bad = await client.get('/drift-reports?resolved=maybe', keys.readA);
      expect([bad.status, fields(bad)]).toEqual([400, ['query.resolved']]);
      expect((await client.get(`/drift-reports?connectionId=${B1}`, keys.readA)).status).toBe(404);
      // Reading is not enough to resolve; another tenant's report is not found.
      expect(
        (await client.call('POST', '/drift-reports/drf_api_a1/resolve', { token: keys.readA })).status,
      ).toBe(403);
      expect(
        (await client.call('POST', '/drift-reports/drf_api_b1/resolve', { token: keys.adminA })).status,
      ).toBe(404);
      const resolved = await client.call('POST', '/drift-reports/drf_api_a1/resolve', { token: keys.adminA });
      expect(resolved.status).toBe(200);
      expect(Date.parse(resolved.json['resolvedAt'] as string)).toBeGreaterThan(Date.now() - 60_000);
      expect((await client.get('/drift-reports?resolved=false', keys.readA)).json['total']).toBe(0);
      expect((await client.get('/drift-reports?resolved=true', keys.readA)).json['total']).toBe(1);
      const audit = await client.get('/audit-log?action=drift_report.resolved', keys.adminA);
      expect(audit.json['items']).toEqual([
        expect.objectContaining({ targetType: 'drift_report', targetId: 'drf_api_a1' }),
      ]);
      // Tenant B's own report is still open for B.
      const b = await client.get('/drift-reports', keys.readB);
      expect((b.json['items'] as { driftReportId: string }[]).map((d) => d.driftReportId)).toEqual([
        'drf_api_b1',
      ]);
    });
  });

  describe('session tokens (POST /sessions)', () => {
    const token = (
      claims: { connectionId: string; tenantId: string },
      expiresIn = 300,
      secret = SESSION_SECRET,
    ): string => signSessionToken(sessionTokenKey(secret), { ...claims, sessionVersion: 1 }, expiresIn);
    const A2 = 'con_api_a2';

    it('acts for its one connection: reads and lists only its records, other connections are 404', async () => {
      const mine = token({ connectionId: A1, tenantId: TENANT_A });
      const all = await client.get('/jobs?pageSize=200', keys.readA);
      const jobs = all.json['items'] as { jobId: string; connectionId: string }[];
      const ofA1 = jobs.filter((j) => j.connectionId === A1);
      const ofA2 = jobs.filter((j) => j.connectionId === A2);
      expect([ofA1.length > 0, ofA2.length > 0]).toEqual([true, true]);
      const listed = await client.get('/jobs?pageSize=200', mine);
      expect(listed.status).toBe(200);
      expect((listed.json['items'] as { jobId: string }[]).map((j) => j.jobId).sort()).toEqual(
        ofA1.map((j) => j.jobId).sort(),
      );
      expect((await client.get(`/jobs/${ofA1[0]?.jobId}`, mine)).status).toBe(200);
      expect((await client.get(`/jobs/${ofA2[0]?.jobId}`, mine)).status).toBe(404);
      expect((await client.get(`/jobs?connectionId=${A2}`, mine)).status).toBe(404);
      expect((await client.get(`/connections/${A2}/jobs`, mine)).status).toBe(404);
      expect((await client.get(`/connections/${A2}`, mine)).status).toBe(404);
      const connections = await client.get('/connections', mine);
      expect((connections.json['items'] as { connectionId: string }[]).map((c) => c.connectionId)).toEqual([
        A1,
      ]);
      const events = await client.get('/events', mine);
      expect(events.status).toBe(200);
      expect((events.json['items'] as { connectionid?: string }[]).every((e) => e.connectionid === A1)).toBe(
        true,
      );
      // Writes through another connection's records are not found; admin routes are refused.
      const other = await client.call('POST', `/jobs/${ofA2[0]?.jobId}/status`, {
        token: mine,
        headers: { 'idempotency-key': 'session-other-connection-1' },
        body: { status: 'completed' },
      });
      expect(other.status).toBe(404);
      expect((await client.get('/api-keys', mine)).status).toBe(403);
      expect((await client.get('/audit-log', mine)).status).toBe(403);
    });

    it('refuses an expired, forged or mis-scoped token with 401 naming the header', async () => {
      const refusals = [
        token({ connectionId: A1, tenantId: TENANT_A }, -30),
        token({ connectionId: A1, tenantId: TENANT_A }, 300, 'another-secret-than-this-deployment-has-0123'),
        // a connection of another tenant than the one the token names
        token({ connectionId: B1, tenantId: TENANT_A }),
      ];
      for (const bad of refusals) {
        const res = await client.get('/jobs', bad);
        expect([res.status, fields(res)]).toEqual([401, ['header.authorization']]);
      }
      const expired = await client.get('/jobs', refusals[0]);
      expect(expired.json['detail']).toMatch(/expired.*POST \/sessions\/refresh/);
    });

    it('forwards POST /sessions to the session manager: a body it cannot take is named, a credential mismatch is 401', async () => {
      const bad = await client.call('POST', '/sessions', { body: { connectionId: A1, username: 'x' } });
      expect([bad.status, fields(bad)]).toEqual([400, ['body.password']]);
      const mismatch = await client.call('POST', '/sessions', {
        body: { connectionId: A1, username: 'someone@example.test', password: 'not-the-password' },
      });
      expect(mismatch.status).toBe(401);
      expect(isProblem(mismatch)).toBe(true);
      expect(mismatch.json['detail']).toMatch(/username or password does not match/);
      const noToken = await client.call('POST', '/sessions/refresh', { body: {} });
      expect([noToken.status, fields(noToken)]).toEqual([401, ['header.authorization']]);
      const forged = await client.call('POST', '/sessions/refresh', {
        token: token(
          { connectionId: A1, tenantId: TENANT_A },
          300,
          'another-secret-than-this-deployment-has-0123',
        ),
      });
      expect(forged.status).toBe(401);
    });
  });

  describe('webhook endpoints (served through the dispatcher, the tenant from the key)', () => {
    const hook = {
      url: 'https://hooks.example.com/fieldsync',
      eventTypes: ['job.*'],
      vendors: ['servicetitan'],
    };

    it('creates, reads, changes and lists an endpoint with an API key; the secret is shown to write keys; audited', async () => {
      const created = await client.call('POST', '/webhook-endpoints', { token: keys.adminA, body: hook });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ url: hook.url, eventTypes: ['job.*'], disabled: false });
      expect(created.json['secret']).toMatch(/^whsec_/);
      const id = String(created.json['id']);
      // it is the dispatcher's endpoint of tenant A (no tenant was named by the caller)
      const row = await db
        .selectFrom('webhook_endpoints')
        .select('tenant_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.tenant_id).toBe(TENANT_A);

      expect((await client.get(`/webhook-endpoints/${id}`, keys.readA)).json['url']).toBe(hook.url);
      const listed = await client.get('/webhook-endpoints', keys.readA);
      expect((listed.json['data'] as { id: string }[]).map((e) => e.id)).toContain(id);
      const patched = await client.call('PATCH', `/webhook-endpoints/${id}`, {
        token: keys.adminA,
        body: { description: 'dispatch board', rateLimitPerSecond: 20 },
      });
      expect(patched.status).toBe(200);
      expect(patched.json).toMatchObject({ description: 'dispatch board', rateLimitPerSecond: 20 });
      // the secret needs write; reading is not enough
      expect((await client.get(`/webhook-endpoints/${id}/secret`, keys.readA)).status).toBe(403);
      const secret = await client.get(`/webhook-endpoints/${id}/secret`, keys.adminA);
      expect(secret.json['secret']).toBe(created.json['secret']);
      const rotated = await client.call('POST', `/webhook-endpoints/${id}/rotate-secret`, {
        token: keys.adminA,
        body: {},
      });
      expect(rotated.status).toBe(200);
      expect(rotated.json['secret']).not.toBe(created.json['secret']);
      expect(
        (await client.call('POST', `/webhook-endpoints/${id}/disable`, { token: keys.adminA })).json[
          'disabled'
        ],
      ).toBe(true);
      expect(
        (await client.call('POST', `/webhook-endpoints/${id}/enable`, { token: keys.adminA })).json[
          'disabled'
        ],
      ).toBe(false);
      const messages = await client.get(`/webhook-endpoints/${id}/messages?status=failed`, keys.readA);
      expect(messages.json).toEqual({ data: [], next: null });
      const audit = await client.get('/audit-log?pageSize=200', keys.adminA);
      const actions = (audit.json['items'] as { action: string; targetId: string | null }[])
        .filter((e) => e.targetId === id)
        .map((e) => e.action)
        .sort();
      expect(actions).toEqual(
        [
          'webhook_endpoint.created',
          'webhook_endpoint.disabled',
          'webhook_endpoint.enabled',
          'webhook_endpoint.secret_read',
          'webhook_endpoint.secret_rotated',
          'webhook_endpoint.updated',
        ].sort(),
      );
      // no secret in the audit log
      expect(JSON.stringify(audit.body)).not.toContain('whsec_');
      const deleted = await client.call('DELETE', `/webhook-endpoints/${id}`, { token: keys.adminA });
      expect(deleted.status).toBe(204);
      expect((await client.get(`/webhook-endpoints/${id}`, keys.readA)).status).toBe(404);
    });

    it('answers 404 to every endpoint and message route with another tenant’s ids, and lists none of them', async () => {
      const mine = await client.call('POST', '/webhook-endpoints', { token: keys.adminA, body: hook });
      const id = String(mine.json['id']);
      const routes: [string, string, unknown?][] = [
        ['GET', `/webhook-endpoints/${id}`],
        ['PATCH', `/webhook-endpoints/${id}`, { description: 'taken over' }],
        ['DELETE', `/webhook-endpoints/${id}`],
        ['POST', `/webhook-endpoints/${id}/enable`],
        ['POST', `/webhook-endpoints/${id}/disable`],
        ['GET', `/webhook-endpoints/${id}/secret`],
        ['POST', `/webhook-endpoints/${id}/rotate-secret`, {}],
        ['GET', `/webhook-endpoints/${id}/messages`],
        [
          'POST',
          `/webhook-endpoints/${id}/recover`,
          { since: new Date(Date.now() - 3_600_000).toISOString() },
        ],
        // ids that try to leave the tenant's path
        ['GET', `/webhook-endpoints/..%2F..%2Ftenants%2F${TENANT_A}%2Fendpoints%2F${id}`],
        ['GET', `/webhook-endpoints/%2E%2E`],
      ];
      for (const [method, path, body] of routes) {
        const res = await client.call(method, path, { token: keys.adminB, body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      const theirs = await client.get('/webhook-endpoints', keys.readB);
      expect(JSON.stringify(theirs.body)).not.toContain(id);
      for (const path of [
        '/webhook-messages/msg_01K00000000000000000000000',
        '/webhook-messages/msg_x/attempts',
      ]) {
        expect((await client.get(path, keys.readB)).status).toBe(404);
      }
      // A's endpoint is untouched
      const still = await client.get(`/webhook-endpoints/${id}`, keys.readA);
      expect(still.json).toMatchObject({ id, description: null, disabled: false });
    });

    it('refuses a read key’s change, a session token, and names the bad field (checked here or by the dispatcher)', async () => {
      expect(
        (await client.call('POST', '/webhook-endpoints', { token: keys.readA, body: hook })).status,
      ).toBe(403);
      const session = signSessionToken(
        sessionTokenKey(SESSION_SECRET),
        { connectionId: A1, tenantId: TENANT_A, sessionVersion: 1 },
        300,
      );
      const bySession = await client.get('/webhook-endpoints', session);
      expect(bySession.status).toBe(403);
      expect(fields(bySession)).toEqual(['header.authorization']);
      const missingUrl = await client.call('POST', '/webhook-endpoints', { token: keys.adminA, body: {} });
      expect([missingUrl.status, fields(missingUrl)]).toEqual([400, ['body.url']]);
      expect(isProblem(missingUrl)).toBe(true);
      // the dispatcher's own checks come back naming the field
      const badPattern = await client.call('POST', '/webhook-endpoints', {
        token: keys.adminA,
        body: { url: 'https://hooks.example.com/x', eventTypes: ['job.create'] },
      });
      expect([badPattern.status, fields(badPattern)]).toEqual([400, ['body.eventTypes.0']]);
      const ftp = await client.call('POST', '/webhook-endpoints', {
        token: keys.adminA,
        body: { url: 'ftp://example.com/hook' },
      });
      expect([ftp.status, fields(ftp)]).toEqual([400, ['body.url']]);
      const badLimit = await client.get('/webhook-endpoints?limit=0', keys.readA);
      expect([badLimit.status, fields(badLimit)]).toEqual([400, ['query.limit']]);
      // the old way (the operators' dispatcher with a tenant header) is not how the public API works
      const old = await fetch(`${dispatcherUrl}/endpoints`, {
        headers: { authorization: `Bearer ${OPERATOR}`, 'fieldsync-tenant-id': TENANT_A },
      });
      expect(old.status).toBe(404);
    });
  });

  describe('fuzzing', () => {
    it('answers 1,000 fuzzed query strings and bodies with 2xx or 4xx problem details naming the field, never 5xx, without a restart', async () => {
      const names = RESOURCES.map((r) => r.name);
      const params = [
        'status',
        'technicianId',
        'fromDate',
        'toDate',
        'scheduledFrom',
        'updatedFrom',
        'tag',
        'city',
        'page',
        'pageSize',
        'cursor',
        'connectionId',
      ];
      const queries = fc.record({
        collection: fc.constantFrom(...names),
        pairs: fc.array(
          fc.tuple(
            fc.oneof(fc.constantFrom(...params), fc.string({ maxLength: 12 })),
            fc.string({ maxLength: 40 }),
          ),
          {
            maxLength: 5,
          },
        ),
      });
      const bodies = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record({ tenantId: fc.string(), name: fc.string(), scopes: fc.array(fc.string()) }),
      );
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(queries, async ({ collection, pairs }) => {
          const search = new URLSearchParams(pairs).toString();
          const res = await client.get(`/${collection}?${search}`, keys.readA);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          // 404: a connectionId that is not one of the tenant's
          expect([200, 400, 404]).toContain(res.status);
          if (res.status === 404) expect(res.json['detail']).toMatch(/^connection /);
          if (res.status === 400) {
            expect(isProblem(res)).toBe(true);
            expect(fields(res).length).toBeGreaterThan(0);
            for (const field of fields(res)) expect(field).toMatch(/^query/);
          }
        }),
        { numRuns: 600, seed: 16 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            bodies.map((b) => JSON.stringify(b)),
            fc.string({ maxLength: 60 }),
          ),
          async (raw) => {
            const res = await client.call('POST', '/api-keys', { token: keys.adminB, rawBody: raw });
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            expect([201, 400, 404]).toContain(res.status);
            if (res.status === 400) {
              expect(isProblem(res)).toBe(true);
              expect(fields(res).length).toBeGreaterThan(0);
              for (const field of fields(res)) expect(field).toMatch(/^body/);
            }
          },
        ),
        { numRuns: 400, seed: 16 },
      );
      expect([...seen.keys()].filter((status) => status >= 500)).toEqual([]);
      expect(api.child.exitCode).toBeNull();
      expect(api.output()).not.toMatch(/"level":50/);
    });

    it('checked every answer above against the OpenAPI document', () => {
      expect(client.checked).toBeGreaterThan(1_000);
    });
  });
});
