import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAPIResponseValidator from 'openapi-response-validator';
import * as OTPAuth from 'otpauth';
import pino from 'pino';
import { PortalServer } from '../../portal/portal-server';
import { servicetitanPortal } from './servicetitan.portal';
import { SandboxWorldHost } from '../../world-host/sandbox-world.host';
import { mountServiceTitanApi } from './servicetitan-api';
import { SERVICETITAN_TENANT_ID, type ServiceTitanApiOptions } from './servicetitan-api.constants';
import { resourceByKey, SERVICETITAN_RESOURCES, type ServiceTitanResource } from './servicetitan-resources';

/* ServiceTitan v2 API in the sandbox, in-process through Fastify inject: contract (the published OpenAPI files), ground truth, rules, rate limit. */

async function startServiceTitan(
  world: { seed: number; size: number },
  options: ServiceTitanApiOptions = {},
): Promise<PortalServer> {
  const host = new SandboxWorldHost({ ...world, ratePerMinute: 2 });
  return PortalServer.create(
    { ...servicetitanPortal, mountData: (scope, kit) => mountServiceTitanApi(scope, kit, options) },
    { logger: pino({ level: 'silent' }), lockoutDurationMs: 60_000, seed: 1, world: host },
  );
}

const cookieOf = (setCookie: string | string[] | undefined, name: string): string | undefined => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  return found?.split(';')[0];
};
const tokenIn = (html: string): string =>
  /name="__RequestVerificationToken" value="([^"]+)"/.exec(html)?.[1] ?? '';

interface StSession {
  cookie: string;
  csrf: string;
}

/** Logs st.admin in through the real forms (password, then TOTP from `GET /__sandbox/users`). */
async function loginAdmin(server: PortalServer, timestamp = Date.now()): Promise<StSession> {
  const app = server.app;
  const users = (await app.inject({ method: 'GET', url: '/__sandbox/users' })).json<{
    users: { username: string; totpSecret: string | null }[];
  }>();
  const secret = users.users.find((u) => u.username === 'st.admin')?.totpSecret ?? '';
  const page = await app.inject({ method: 'GET', url: '/login' });
  const pre = cookieOf(page.headers['set-cookie'], 'st_pre') ?? '';
  const login = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      __RequestVerificationToken: tokenIn(page.body),
      username: 'st.admin',
      password: 'Sandbox!Admin1',
    }).toString(),
  });
  const mfaCookie = cookieOf(login.headers['set-cookie'], 'st_mfa') ?? '';
  const mfaPage = await app.inject({
    method: 'GET',
    url: '/login/mfa',
    headers: { cookie: `${pre}; ${mfaCookie}` },
  });
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp });
  const done = await app.inject({
    method: 'POST',
    url: '/login/mfa',
    headers: { cookie: `${pre}; ${mfaCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ __RequestVerificationToken: tokenIn(mfaPage.body), code }).toString(),
  });
  const cookie = cookieOf(done.headers['set-cookie'], 'st_session');
  if (!cookie) throw new Error(`login failed: ${done.statusCode} ${done.body.slice(0, 200)}`);
  const csrf = (await app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })).json<{
    csrfToken: string;
  }>().csrfToken;
  return { cookie, csrf };
}

// The vendors' published OpenAPI files live in shared/ beside the checkout (never copied into it);
// FIELDSYNC_SHARED_DIR points elsewhere. A contract test without its contract fails rather than skips.
const SHARED_DIR = process.env['FIELDSYNC_SHARED_DIR'] ?? resolve(__dirname, '../../../../../../shared');
const SPEC_DIR = join(SHARED_DIR, 'reference', 'openapi', 'servicetitan');
if (!existsSync(SPEC_DIR)) {
  throw new Error(
    `ServiceTitan OpenAPI files not found at ${SPEC_DIR} (set FIELDSYNC_SHARED_DIR to the shared/ folder)`,
  );
}
const SPEC_FILES = [
  'crm',
  'jpm',
  'dispatch',
  'settings',
  'salestech',
  'accounting',
  'pricebook',
  'memberships',
  'equipment-systems',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** Response validators of the published OpenAPI files, by operationId (dereferenced with swagger-parser). */
/** Every operation the sandbox models (the circular pricebook category schemas stay out). */
const MODELLED_OPERATIONS = [
  ...SERVICETITAN_RESOURCES.flatMap((r) => [r.listOperationId, r.getOperationId ?? r.listOperationId]),
  'Customers_GetContactsList',
  'TagTypes_GetList',
  'Customers_Create',
  'Jobs_Create',
  'Jobs_Cancel',
  'Jobs_Hold',
  'Jobs_Complete',
  'AppointmentAssignments_AssignTechnicians',
  'AppointmentAssignments_UnassignTechnicians',
  'Payments_Create',
];

/**
 * The published crm file lists `Phone` twice in the contact type enum, which Ajv refuses as a schema;
 * the duplicates are dropped (the set of allowed values is unchanged).
 */
function dedupeEnums(node: unknown, seen = new Set<unknown>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const record = node as Record<string, unknown>;
  if (Array.isArray(record['enum'])) record['enum'] = [...new Set(record['enum'] as unknown[])];
  for (const child of Object.values(record)) dedupeEnums(child, seen);
}

class SpecValidators {
  private constructor(private readonly operations: Map<string, Operation>) {}

  /**
   * swagger-parser is ESM-only inside, which jest's CommonJS runtime cannot require: it dereferences the
   * files in a child Node process, which hands back each operation's responses as JSON.
   */
  static async load(): Promise<SpecValidators> {
    const script = `
      const SwaggerParser = require('@apidevtools/swagger-parser');
      (async () => {
        const out = {};
        const wanted = new Set(${JSON.stringify(MODELLED_OPERATIONS)});
        for (const file of ${JSON.stringify(SPEC_FILES)}) {
          const api = await SwaggerParser.dereference('${SPEC_DIR}/tenant-' + file + '-v2.yml');
          for (const item of Object.values(api.paths))
            for (const op of Object.values(item)) if (op && wanted.has(op.operationId)) out[op.operationId] = { responses: op.responses };
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const json = execFileSync(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      maxBuffer: 256 * 1024 * 1024,
    });
    const parsed = JSON.parse(json.toString('utf8')) as Record<string, Operation>;
    return Promise.resolve(new SpecValidators(new Map(Object.entries(parsed))));
  }

  schema(operationId: string, status: number): Schema {
    const op = this.operations.get(operationId);
    // Some operations document no 404; their errors share the ApiErrorResponse of the 400.
    const content = (op?.responses[String(status)] ?? (status >= 400 ? op?.responses['400'] : undefined))
      ?.content;
    const schema = content ? Object.values(content)[0]?.schema : undefined;
    if (!schema) throw new Error(`${operationId} has no ${status} response schema`);
    return schema;
  }

  /** Errors of `body` against the operation's response schema for `status` (empty when valid). */
  validate(operationId: string, status: number, body: unknown): string[] {
    return this.validateAgainst(structuredClone(this.schema(operationId, status)), status, body);
  }

  /**
   * The export envelope `{ hasMore, continueFrom, data }` with rows of the list operation's item schema
   * (the published files carry no export operations; vendors.md §1 [exp] gives the envelope).
   */
  validateExport(listOperationId: string, body: unknown): string[] {
    const list = this.schema(listOperationId, 200) as { properties: { data: Schema } };
    const envelope: Schema = {
      type: 'object',
      required: ['hasMore', 'continueFrom', 'data'],
      additionalProperties: false,
      properties: {
        hasMore: { type: 'boolean' },
        continueFrom: { type: 'string', minLength: 1 },
        data: structuredClone(list.properties.data),
      },
    };
    // Export rows are the list rows plus `active` (they include inactive and deleted rows): the one
    // property added to the published item schema.
    const items = (envelope['properties'] as { data: { items: { properties: Record<string, Schema> } } }).data
      .items;
    items.properties['active'] ??= { type: 'boolean' };
    return this.validateAgainst(envelope, 200, body);
  }

  private validateAgainst(schema: Schema, status: number, body: unknown): string[] {
    dedupeEnums(schema);
    const validator = new OpenAPIResponseValidator({
      responses: { [status]: { description: 'r', content: { 'application/json': { schema } } } },
      customFormats: {
        'date-time': (v: unknown) => typeof v === 'string' && RFC3339.test(v),
        guid: (v: unknown) => typeof v === 'string',
      },
    } as never);
    const result = validator.validateResponse(status, body) as
      { errors: { path: string; message: string }[] } | undefined;
    return result ? result.errors.map((e) => `${e.path}: ${e.message}`) : [];
  }
}

// ---------------------------------------------------------------------------------------------- tests

const T = SERVICETITAN_TENANT_ID;
type Row = Record<string, unknown> & { id: number };
interface ListBody {
  page: number;
  pageSize: number;
  hasMore: boolean;
  totalCount: number | null;
  data: Row[];
}
interface ExportBody {
  hasMore: boolean;
  continueFrom: string;
  data: Row[];
}

let specs: SpecValidators;
beforeAll(async () => {
  specs = await SpecValidators.load();
});

function client(server: PortalServer, session: StSession) {
  return {
    get: (url: string) => server.app.inject({ method: 'GET', url, headers: { cookie: session.cookie } }),
    send: (method: 'POST' | 'PUT', url: string, payload: unknown) =>
      server.app.inject({
        method,
        url,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        payload: payload as Record<string, unknown>,
      }),
  };
}
type Client = ReturnType<typeof client>;
const base = (r: ServiceTitanResource) => `/${r.module}/v2/tenant/${T}`;

describe('ServiceTitan API contract (published OpenAPI files)', () => {
  for (const size of [300, 3000]) {
    for (const seed of [1, 2, 3]) {
      it(`every modelled read validates (seed ${seed}, size ${size})`, async () => {
        const server = await startServiceTitan(
          { seed, size },
          { requestsPerSecond: 0, exportBatchSize: 200 },
        );
        const api = client(server, await loginAdmin(server));
        const failures: string[] = [];
        const check = (what: string, errors: string[]) => {
          if (errors.length) failures.push(`${what}: ${errors.slice(0, 3).join('; ')}`);
        };
        for (const resource of SERVICETITAN_RESOURCES) {
          const active = resource.caps.active ? '&active=Any' : '';
          const list = await api.get(
            `${base(resource)}/${resource.path}?pageSize=200&includeTotal=true${active}`,
          );
          expect(list.statusCode).toBe(200);
          const body = list.json<ListBody>();
          check(`${resource.key} list`, specs.validate(resource.listOperationId, 200, body));
          if (resource.key !== 'contacts') expect(body.data.length).toBeGreaterThan(0);
          const first = body.data[0];
          if (resource.getOperationId && first) {
            const one = await api.get(`${base(resource)}/${resource.path}/${first.id}`);
            expect(one.statusCode).toBe(200);
            check(`${resource.key} get`, specs.validate(resource.getOperationId, 200, one.json()));
            const missing = await api.get(`${base(resource)}/${resource.path}/999999999`);
            expect(missing.statusCode).toBe(404);
            check(`${resource.key} 404`, specs.validate(resource.getOperationId, 404, missing.json()));
          }
          const exported = await api.get(`${base(resource)}/export/${resource.exportPath}`);
          expect(exported.statusCode).toBe(200);
          check(`${resource.key} export`, specs.validateExport(resource.listOperationId, exported.json()));
          const bad = await api.get(`${base(resource)}/${resource.path}?page=0`);
          expect(bad.statusCode).toBe(400);
          check(`${resource.key} 400`, specs.validate(resource.listOperationId, 400, bad.json()));
        }
        const customer = (await api.get(`/crm/v2/tenant/${T}/customers?pageSize=1`)).json<ListBody>().data[0];
        const contacts = await api.get(`/crm/v2/tenant/${T}/customers/${customer?.id}/contacts`);
        check('customer contacts', specs.validate('Customers_GetContactsList', 200, contacts.json()));
        const tagTypes = await api.get(`/settings/v2/tenant/${T}/tag-types?active=Any`);
        check('tag types', specs.validate('TagTypes_GetList', 200, tagTypes.json()));
        expect(failures).toEqual([]);
        await server.close();
      });
    }
  }

  it('every modelled write validates, and its errors too', async () => {
    const server = await startServiceTitan({ seed: 4, size: 3000 }, { requestsPerSecond: 0 });
    const api = client(server, await loginAdmin(server));
    const world = server.kit.world.world;
    const failures: string[] = [];
    const check = (what: string, errors: string[]) => {
      if (errors.length) failures.push(`${what}: ${errors.slice(0, 3).join('; ')}`);
    };
    const address = { street: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'USA' };
    const created = await api.send('POST', `/crm/v2/tenant/${T}/customers`, {
      name: 'Contract Test Co',
      type: 'Commercial',
      address,
      locations: [{ name: 'HQ', address, contacts: [{ type: 'Email', value: 'ops@contract.example' }] }],
      contacts: [{ type: 'Phone', value: '5125550100' }],
    });
    expect(created.statusCode).toBe(200);
    check('Customers_Create', specs.validate('Customers_Create', 200, created.json()));
    const customer = created.json<{ id: number; locations: { id: number }[] }>();
    const location = customer.locations[0]?.id;
    const jobType = [...world.store.all('jobType')][0];
    const campaign = [...world.store.all('campaign')][0];
    const start = world.clock.now() + 30 * 86_400_000;
    const jobBody = {
      customerId: customer.id,
      locationId: location,
      businessUnitId: jobType?.businessUnitId,
      jobTypeId: jobType?.id,
      priority: 'Normal',
      campaignId: campaign?.id,
      appointments: [
        { start: new Date(start).toISOString(), end: new Date(start + 7_200_000).toISOString() },
      ],
    };
    const job = await api.send('POST', `/jpm/v2/tenant/${T}/jobs`, jobBody);
    expect(job.statusCode).toBe(200);
    check('Jobs_Create', specs.validate('Jobs_Create', 200, job.json()));
    const { id: jobId, firstAppointmentId } = job.json<{ id: number; firstAppointmentId: number }>();
    const tech = [...world.store.all('employee')].find((e) => e.role === 'Technician' && e.active);
    const assigned = await api.send(
      'POST',
      `/dispatch/v2/tenant/${T}/appointment-assignments/assign-technicians`,
      {
        jobAppointmentId: firstAppointmentId,
        technicianIds: [tech?.id],
      },
    );
    // A technician may already be busy in that slot; either answer must be the documented one.
    check(
      'AssignTechnicians',
      specs.validate('AppointmentAssignments_AssignTechnicians', assigned.statusCode, assigned.json()),
    );
    const missing = await api.send('POST', `/jpm/v2/tenant/${T}/jobs`, { ...jobBody, priority: undefined });
    expect(missing.statusCode).toBe(400);
    check('Jobs_Create 400', specs.validate('Jobs_Create', 400, missing.json()));
    // Tags: the tenant's active tag types by id; one it does not have (or has retired) is refused by index.
    const later = start + 86_400_000;
    const tagged = await api.send('POST', `/jpm/v2/tenant/${T}/jobs`, {
      ...jobBody,
      appointments: [
        { start: new Date(later).toISOString(), end: new Date(later + 3_600_000).toISOString() },
      ],
      tagTypeIds: [302, 301, 302],
    });
    expect(tagged.statusCode).toBe(200);
    check('Jobs_Create tagged', specs.validate('Jobs_Create', 200, tagged.json()));
    expect(tagged.json<{ tagTypeIds: number[] }>().tagTypeIds).toEqual([302, 301]);
    for (const tagTypeIds of [
      [301, 999],
      [301, 305],
    ]) {
      const refused = await api.send('POST', `/jpm/v2/tenant/${T}/jobs`, { ...jobBody, tagTypeIds });
      expect(refused.statusCode).toBe(400);
      expect(Object.keys(refused.json<{ errors: object }>().errors)).toEqual(['tagTypeIds[1]']);
      check('Jobs_Create 400 tag', specs.validate('Jobs_Create', 400, refused.json()));
    }
    const completed = await api.send('PUT', `/jpm/v2/tenant/${T}/jobs/${jobId}/complete`, {
      completedOn: new Date(world.clock.now()).toISOString(),
    });
    expect(completed.statusCode).toBe(200);
    const again = await api.send('PUT', `/jpm/v2/tenant/${T}/jobs/${jobId}/complete`, {
      completedOn: new Date(world.clock.now()).toISOString(),
    });
    expect(again.statusCode).toBe(409);
    check('Jobs_Complete 409', specs.validate('Jobs_Complete', 409, again.json()));
    const invoice = [...world.store.all('invoice')].find((i) => i.balance > 100);
    const paymentType = [...world.store.all('paymentType')].find((p) => p.method === 'cash');
    const paid = await api.send('POST', `/accounting/v2/tenant/${T}/payments`, {
      typeId: paymentType?.id,
      splits: [{ invoiceId: invoice?.id, amount: 1 }],
    });
    expect(paid.statusCode).toBe(200);
    check('Payments_Create', specs.validate('Payments_Create', 200, paid.json()));
    expect(failures).toEqual([]);
    await server.close();
  });
});

// ---- a connector's two ways of reading everything, as a real one would write them

/** Drains `/export/…` with `continueFrom`; the last copy of each id wins. */
async function drainExport(
  api: Client,
  resource: ServiceTitanResource,
  between: () => void,
): Promise<Map<number, Row>> {
  const rows = new Map<number, Row>();
  let from: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const res = await api.get(
      `${base(resource)}/export/${resource.exportPath}${from ? `?from=${from}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<ExportBody>();
    for (const row of body.data) rows.set(row.id, row);
    from = body.continueFrom;
    if (!body.hasMore) return rows;
    between();
  }
  throw new Error('export never ended');
}

/**
 * Pages the list by modifiedOn the documented way: `modifiedOnOrAfter` = the last modifiedOn seen
 * (inclusive: overlap), ascending modifiedOn order, de-duplicated by id (the newest modifiedOn wins).
 * A page whose rows all share the watermark is read whole with `modifiedBefore` = watermark + 1 ms.
 */
async function pageByModified(
  api: Client,
  resource: ServiceTitanResource,
  pageSize: number,
  between: () => void,
) {
  const rows = new Map<number, Row>();
  const order =
    resource.caps.sort === 'orderBy' ? 'orderBy=ModifiedOn&orderByDirection=asc' : 'sort=%2BModifiedOn';
  const active = resource.caps.active ? '&active=Any' : '';
  const keep = (row: Row) => {
    const old = rows.get(row.id);
    if (!old || String(old['modifiedOn']) <= String(row['modifiedOn'])) rows.set(row.id, row);
  };
  let watermark = '1970-01-01T00:00:00.000Z';
  for (let i = 0; i < 100_000; i++) {
    const url = `${base(resource)}/${resource.path}?${order}${active}&pageSize=${pageSize}&page=1&modifiedOnOrAfter=${watermark}`;
    const res = await api.get(url);
    expect(res.statusCode).toBe(200);
    const body = res.json<ListBody>();
    body.data.forEach(keep);
    if (!body.hasMore) return rows;
    const last = String(body.data[body.data.length - 1]?.['modifiedOn']);
    if (last === watermark) {
      const until = new Date(Date.parse(watermark) + 1).toISOString();
      const whole = await api.get(
        `${url}&pageSize=5000&modifiedBefore=${until}`.replace(`&pageSize=${pageSize}`, ''),
      );
      whole.json<ListBody>().data.forEach(keep);
      watermark = until;
    } else {
      watermark = last;
    }
    between();
  }
  throw new Error('paging never ended');
}

async function groundTruth(server: PortalServer, key: string): Promise<Map<number, Row>> {
  const res = await server.app.inject({ method: 'GET', url: `/__sandbox/world/export/${key}` });
  expect(res.statusCode).toBe(200);
  return new Map(res.json<{ data: Row[] }>().data.map((r) => [r.id, r]));
}

/** The list rows lack `active` where the wire row has none; the export and ground truth carry it. */
function withoutExportOnly(resource: ServiceTitanResource, rows: Map<number, Row>): Map<number, Row> {
  if (resource.activeField) return rows;
  return new Map([...rows].map(([id, { active: _a, ...row }]) => [id, row as Row]));
}

describe('ServiceTitan API: list paging and export feeds yield the ground truth', () => {
  const keys = ['customers', 'jobs', 'appointments', 'invoices'] as const;
  for (const live of [false, true]) {
    it(`customers, jobs, appointments, invoices ${live ? 'with the activity clock running between pages' : 'on a static world'}`, async () => {
      const server = await startServiceTitan(
        { seed: 11, size: 12_000 },
        { requestsPerSecond: 0, exportBatchSize: 150 },
      );
      const api = client(server, await loginAdmin(server));
      let changes = 0;
      for (const key of keys) {
        const resource = resourceByKey(key) as ServiceTitanResource;
        const between = () => {
          if (live) changes += server.kit.world.activity.betweenPages(resource.entity, { changes: 4 }).length;
        };
        const listed = await pageByModified(api, resource, 100, between);
        const listTruth = withoutExportOnly(resource, await groundTruth(server, key));
        expect(listed.size).toBe(listTruth.size);
        expect(listed).toEqual(listTruth);
        const exported = await drainExport(api, resource, between);
        const exportTruth = await groundTruth(server, key);
        expect(exported.size).toBe(exportTruth.size);
        expect(exported).toEqual(exportTruth);
      }
      if (live) expect(changes).toBeGreaterThan(50);
      await server.close();
    });
  }

  it('export tokens resume, dates start a feed, a foreign token is a 400 naming from', async () => {
    const server = await startServiceTitan(
      { seed: 5, size: 3000 },
      { requestsPerSecond: 0, exportBatchSize: 50 },
    );
    const api = client(server, await loginAdmin(server));
    const first = (await api.get(`/crm/v2/tenant/${T}/export/customers`)).json<ExportBody>();
    expect(first.data).toHaveLength(50);
    expect(first.hasMore).toBe(true);
    const second = (
      await api.get(
        `/crm/v2/tenant/${T}/export/customers?from=${first.continueFrom}&includeRecentChanges=true`,
      )
    ).json<ExportBody>();
    expect(second.data[0]?.id).not.toBe(first.data[0]?.id);
    expect(new Set([...first.data, ...second.data].map((r) => r.id)).size).toBe(100);
    const jobsToken = (await api.get(`/jpm/v2/tenant/${T}/export/jobs`)).json<ExportBody>().continueFrom;
    const foreign = await api.get(`/crm/v2/tenant/${T}/export/customers?from=${jobsToken}`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json<{ errors: Record<string, string[]> }>().errors['from']).toBeDefined();
    const now = new Date(server.kit.world.world.clock.now()).toISOString();
    server.kit.world.activity.burst(5, { entity: 'customer' });
    const since = (await api.get(`/crm/v2/tenant/${T}/export/customers?from=${now}`)).json<ExportBody>();
    expect(since.data).toHaveLength(5);
    await server.close();
  });
});

describe('ServiceTitan API: paging, filters and errors', () => {
  let server: PortalServer;
  let api: Client;
  beforeAll(async () => {
    server = await startServiceTitan({ seed: 3, size: 3000 }, { requestsPerSecond: 0 });
    api = client(server, await loginAdmin(server));
  });
  afterAll(() => server.close());

  it('defaults to active rows, page 1 of 50; active=Any and False widen and invert', async () => {
    const firstCustomer = [...server.kit.world.world.store.all('customer')][0];
    server.kit.world.world.store.setActive('customer', firstCustomer?.id ?? 0, false);
    const all = [...server.kit.world.world.store.all('customer')];
    const active = all.filter((c) => c.active && c.deletedOn === null).length;
    const list = (await api.get(`/crm/v2/tenant/${T}/customers?includeTotal=true`)).json<ListBody>();
    expect([list.page, list.pageSize, list.data.length, list.totalCount]).toEqual([1, 50, 50, active]);
    expect(list.data.every((c) => c['active'] === true)).toBe(true);
    const any = (
      await api.get(`/crm/v2/tenant/${T}/customers?includeTotal=true&active=Any`)
    ).json<ListBody>();
    expect(any.totalCount).toBe(all.length);
    const inactive = (
      await api.get(`/crm/v2/tenant/${T}/customers?includeTotal=true&active=False`)
    ).json<ListBody>();
    expect(inactive.totalCount).toBe(all.length - active);
    expect(all.length).toBeGreaterThan(active);
    const last = Math.ceil(active / 50);
    const end = (await api.get(`/crm/v2/tenant/${T}/customers?page=${last}`)).json<ListBody>();
    expect([end.hasMore, end.data.length]).toEqual([false, active - (last - 1) * 50]);
    expect(list.totalCount === null || list.hasMore).toBe(true);
    const plain = (await api.get(`/crm/v2/tenant/${T}/customers`)).json<ListBody>();
    expect(plain.totalCount).toBeNull();
  });

  it('sorts, filters by ids (max 50) and dates, and names the bad parameter', async () => {
    const desc = (
      await api.get(`/crm/v2/tenant/${T}/customers?sort=-ModifiedOn&pageSize=20`)
    ).json<ListBody>().data;
    const mods = desc.map((c) => String(c['modifiedOn']));
    expect(mods).toEqual([...mods].sort().reverse());
    const ids = desc.slice(0, 3).map((c) => c.id);
    const byIds = (await api.get(`/crm/v2/tenant/${T}/customers?ids=${ids.join(',')}`)).json<ListBody>().data;
    expect(byIds.map((c) => c.id).sort()).toEqual([...ids].sort());
    const tooMany = Array.from({ length: 51 }, (_, i) => i + 1).join(',');
    const errors = async (url: string) => {
      const res = await api.get(url);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json<{ traceId: string; errors: Record<string, string[]> }>();
      expect(body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      return Object.keys(body.errors);
    };
    expect(await errors(`/crm/v2/tenant/${T}/customers?ids=${tooMany}`)).toEqual(['ids']);
    expect(await errors(`/crm/v2/tenant/${T}/customers?modifiedOnOrAfter=yesterday`)).toEqual([
      'modifiedOnOrAfter',
    ]);
    expect(await errors(`/crm/v2/tenant/${T}/customers?pageSize=5001`)).toEqual(['pageSize']);
    expect(await errors(`/crm/v2/tenant/${T}/customers?sort=%2BName`)).toEqual(['sort']);
    expect(await errors(`/crm/v2/tenant/${T}/customers?active=Maybe`)).toEqual(['active']);
    const cutoff = mods[5] as string;
    const after = (
      await api.get(`/crm/v2/tenant/${T}/customers?modifiedOnOrAfter=${cutoff}&pageSize=5000`)
    ).json<ListBody>();
    expect(after.data.every((c) => String(c['modifiedOn']) >= cutoff)).toBe(true);
    expect(after.data.length).toBeGreaterThanOrEqual(6);
  });

  it('renders invoice money as decimal strings that add up', async () => {
    const inv = (await api.get(`/accounting/v2/tenant/${T}/invoices?pageSize=50`)).json<ListBody>().data;
    for (const i of inv) {
      for (const k of ['subTotal', 'salesTax', 'total', 'balance']) expect(i[k]).toMatch(/^-?\d+\.\d{2}$/);
      const cents = (k: string) => Math.round(Number(i[k]) * 100);
      expect(cents('subTotal') + cents('salesTax')).toBe(cents('total'));
    }
  });

  it('answers 404 problem details for another tenant and 401 without a session', async () => {
    const wrong = await api.get(`/crm/v2/tenant/${T + 1}/customers`);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json<{ status: number; traceId: string }>().status).toBe(404);
    const anonymous = await server.app.inject({ method: 'GET', url: `/crm/v2/tenant/${T}/customers` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('ServiceTitan API: vendor rules on writes', () => {
  it('refuses double booking, reopening a closed job and missing fields, changing nothing', async () => {
    const server = await startServiceTitan({ seed: 6, size: 3000 }, { requestsPerSecond: 0 });
    const api = client(server, await loginAdmin(server));
    const world = server.kit.world.world;
    const store = world.store;
    // A technician's open future appointment, and another open appointment overlapping it.
    const busy = [...store.all('assignment')].find((a) => {
      const appt = store.get('appointment', a.appointmentId);
      return a.deletedOn === null && appt && appt.status === 'Scheduled' && appt.start > world.clock.now();
    });
    expect(busy).toBeDefined();
    const slot = store.require('appointment', busy?.appointmentId ?? 0);
    const job = store.require('job', slot.jobId);
    const before = store.rowVersion;
    const doubleBooked = await api.send('POST', `/jpm/v2/tenant/${T}/jobs`, {
      customerId: job.customerId,
      locationId: job.locationId,
      businessUnitId: job.businessUnitId,
      jobTypeId: job.jobTypeId,
      priority: 'High',
      campaignId: job.campaignId,
      appointments: [
        {
          start: new Date(slot.start).toISOString(),
          end: new Date(slot.end).toISOString(),
          technicianIds: [busy?.technicianId],
        },
      ],
    });
    expect(doubleBooked.statusCode).toBe(400);
    expect(doubleBooked.json<{ data: { code: string } }>().data.code).toBe('technician_double_booked');
    const other = [...store.all('appointment')].find(
      (a) => a.id !== slot.id && a.status === 'Scheduled' && a.start < slot.end && slot.start < a.end,
    );
    if (other) {
      const assign = await api.send(
        'POST',
        `/dispatch/v2/tenant/${T}/appointment-assignments/assign-technicians`,
        {
          jobAppointmentId: other.id,
          technicianIds: [busy?.technicianId],
        },
      );
      expect(assign.statusCode).toBe(409);
      expect(Object.keys(assign.json<{ errors: object }>().errors)).toEqual(['technicianIds']);
    }
    const completed = [...store.all('job')].find((j) => j.status === 'Completed');
    const hold = await api.send('PUT', `/jpm/v2/tenant/${T}/jobs/${completed?.id}/hold`, {
      reasonId: 1,
      memo: 'reopen',
    });
    expect(hold.statusCode).toBe(400);
    const canceled = [...store.all('job')].find((j) => j.status === 'Canceled');
    const complete = await api.send('PUT', `/jpm/v2/tenant/${T}/jobs/${canceled?.id}/complete`, {
      completedOn: new Date(world.clock.now()).toISOString(),
    });
    expect(complete.statusCode).toBe(409);
    const noName = await api.send('POST', `/crm/v2/tenant/${T}/customers`, {
      address: { street: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'USA' },
      locations: [
        { address: { street: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'USA' } },
      ],
    });
    expect(noName.statusCode).toBe(400);
    expect(Object.keys(noName.json<{ errors: object }>().errors).sort()).toEqual([
      'locations[0].name',
      'name',
    ]);
    const missingJob = await api.send('PUT', `/jpm/v2/tenant/${T}/jobs/999999999/cancel`, {
      reasonId: 1,
      memo: 'x',
    });
    expect(missingJob.statusCode).toBe(404);
    expect(store.rowVersion).toBe(before);
    await server.close();
  });
});

describe('ServiceTitan API: adjustment invoices', () => {
  it('keeps the tax as given, and refuses a subtotal the items do not come to', async () => {
    const server = await startServiceTitan({ seed: 6, size: 600 }, { requestsPerSecond: 0 });
    const api = client(server, await loginAdmin(server));
    const store = server.kit.world.world.store;
    // An invoice in a taxed zone: the zone's rate would give a tax other than the one sent.
    const original = [...store.all('invoice')].find((i) => i.deletedOn === null && i.taxRatePpm > 0);
    if (!original) throw new Error('no invoice in a taxed zone');
    const body = {
      adjustmentToId: original.id,
      subtotal: 218,
      tax: 17.99,
      summary: 'Adjustment',
      items: [
        { description: 'Tune-up', quantity: 1, unitPrice: 189.5 },
        { description: 'Filter', quantity: 2, unitPrice: 24.25 },
        { description: 'Discount', quantity: 1, unitPrice: -20 },
      ],
    };
    const before = store.rowVersion;
    const wrong = await api.send('POST', `/accounting/v2/tenant/${T}/invoices`, { ...body, subtotal: 238 });
    expect(wrong.statusCode).toBe(400);
    expect(Object.keys(wrong.json<{ errors: object }>().errors)).toEqual(['subtotal']);
    expect(store.rowVersion).toBe(before);
    const created = await api.send('POST', `/accounting/v2/tenant/${T}/invoices`, body);
    expect(created.statusCode).toBe(200);
    const id = created.json<number>();
    expect(store.require('invoice', id)).toMatchObject({
      jobId: original.jobId,
      subTotal: 23_800,
      discount: 2_000,
      salesTax: 1_799,
      total: 23_599,
      balance: 23_599,
    });
    const read = (await api.get(`/accounting/v2/tenant/${T}/invoices?ids=${id}`)).json<ListBody>().data[0];
    expect(read).toMatchObject({ subTotal: '218.00', salesTax: '17.99', total: '235.99' });
    await server.close();
  });
});

describe('ServiceTitan API: 60 requests per second per tenant', () => {
  it('gives the 61st request within a second 429 with Retry-After', async () => {
    let now = Date.UTC(2026, 2, 2);
    const host = new SandboxWorldHost({ seed: 1, size: 300, ratePerMinute: 2 });
    const server = await PortalServer.create(servicetitanPortal, {
      logger: pino({ level: 'silent' }),
      lockoutDurationMs: 60_000,
      seed: 1,
      world: host,
      clock: () => now,
    });
    const api = client(server, await loginAdmin(server, now));
    for (let i = 0; i < 60; i++) {
      now += 5; // 60 requests in 300 ms
      expect((await api.get(`/crm/v2/tenant/${T}/customers?pageSize=1`)).statusCode).toBe(200);
    }
    const limited = await api.get(`/crm/v2/tenant/${T}/customers?pageSize=1`);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json<{ status: number }>().status).toBe(429);
    now += 1000;
    expect((await api.get(`/crm/v2/tenant/${T}/customers?pageSize=1`)).statusCode).toBe(200);
    await server.close();
  });
});
