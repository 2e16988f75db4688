import { checkWorldInvariants } from '@fieldsync/sandbox-world';
import { decodeId, encodeId } from './jobber-encoded-id.util';
import { startJobberSession, type JobberSession } from './__fixtures__/jobber-session.fixture';

/* Jobber's GraphQL API in-process (Fastify inject on a PortalServer, logged in as office@). */

// CPU-bound, not waiting on anything: generating a 4,000-record world takes a few seconds alone and more
// beside the e2e suites' processes on 2 cores (jest's 5 s default ran out in a CI run at load 9).
jest.setTimeout(60_000);

interface Conn<N> {
  nodes: N[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number;
}

describe('Jobber GraphQL API', () => {
  let now = Date.UTC(2026, 2, 2, 18);
  let s: JobberSession;

  beforeAll(async () => {
    s = await startJobberSession({ seed: 11, size: 4_000, clock: () => now });
  });
  afterAll(() => s.close());
  // Each test starts with a full bucket.
  beforeEach(() => {
    now += 60_000;
  });

  it('introspects with Jobber type, field and enum names', async () => {
    const { __schema } = await s.data<{
      __schema: {
        types: {
          name: string;
          fields: { name: string }[] | null;
          enumValues: { name: string }[] | null;
          inputFields: { name: string }[] | null;
        }[];
      };
    }>(`{ __schema { types { name fields { name } enumValues { name } inputFields { name } } } }`);
    const type = (name: string) => __schema.types.find((t) => t.name === name);
    const fields = (name: string) => (type(name)?.fields ?? type(name)?.inputFields ?? []).map((f) => f.name);
    for (const name of [
      'Client',
      'Property',
      'Request',
      'Quote',
      'Job',
      'Visit',
      'Invoice',
      'PaymentRecord',
      'User',
      'ProductOrService',
    ]) {
      expect(type(name)).toBeDefined();
    }
    expect(type('EncodedId')).toBeDefined();
    expect(type('ISO8601DateTime')).toBeDefined();
    expect(fields('Client')).toEqual(
      expect.arrayContaining([
        'id',
        'firstName',
        'lastName',
        'companyName',
        'isCompany',
        'emails',
        'phones',
        'billingAddress',
        'clientProperties',
        'balance',
        'isLead',
        'isArchived',
        'tags',
        'updatedAt',
      ]),
    );
    expect(fields('Job')).toEqual(
      expect.arrayContaining([
        'jobNumber',
        'jobStatus',
        'jobType',
        'title',
        'instructions',
        'total',
        'startAt',
        'endAt',
        'completedAt',
        'visits',
        'invoices',
        'updatedAt',
      ]),
    );
    expect(fields('Visit')).toEqual(
      expect.arrayContaining([
        'visitStatus',
        'startAt',
        'endAt',
        'assignedUsers',
        'isComplete',
        'completedAt',
      ]),
    );
    expect(fields('Visit')).not.toContain('updatedAt');
    expect(fields('Property')).not.toContain('updatedAt');
    expect(fields('InvoiceAmounts')).toEqual([
      'subtotal',
      'taxAmount',
      'discountAmount',
      'depositAmount',
      'paymentsTotal',
      'tipsTotal',
      'invoiceBalance',
      'total',
    ]);
    expect(fields('ClientFilterAttributes')).toEqual(
      expect.arrayContaining(['updatedAt', 'isArchived', 'isLead', 'tags']),
    );
    expect(fields('InvoiceFilterAttributes')).toEqual(expect.arrayContaining(['updatedAt', 'status']));
    expect(fields('ClientConnection')).toEqual(['edges', 'nodes', 'pageInfo', 'totalCount']);
    expect(fields('PageInfo')).toEqual(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']);
    // Visits are listed by date range (a dispatch board), never by updatedAt: changes come through jobs.
    expect(fields('Query')).toContain('visits');
    expect(fields('VisitFilterAttributes')).toEqual(['startAt', 'endAt']);
    const values = (name: string) => (type(name)?.enumValues ?? []).map((v) => v.name);
    expect(values('JobStatusTypeEnum')).toEqual([
      'requires_invoicing',
      'archived',
      'late',
      'today',
      'upcoming',
      'action_required',
      'on_hold',
      'unscheduled',
      'active',
      'expiring_within_30_days',
    ]);
    expect(values('VisitStatusTypeEnum')).toEqual([
      'ACTIVE',
      'COMPLETED',
      'LATE',
      'TODAY',
      'UNSCHEDULED',
      'UPCOMING',
    ]);
    expect(values('InvoiceStatusTypeEnum')).toEqual([
      'draft',
      'awaiting_payment',
      'paid',
      'past_due',
      'bad_debt',
      'sent_not_due',
    ]);
    expect(values('QuoteStatusTypeEnum')).toEqual([
      'draft',
      'awaiting_response',
      'archived',
      'approved',
      'converted',
      'changes_requested',
    ]);
    expect(values('SortDirectionEnum')).toEqual(['ASCENDING', 'DESCENDING']);
  });

  it('uses base64 gid://Jobber/<Type>/<n> ids that fetch the object back', async () => {
    const { clients, jobs } = await s.data<{
      clients: Conn<{ id: string }>;
      jobs: Conn<{ id: string; visits: Conn<{ id: string }> }>;
    }>(
      `{ clients(first: 1) { nodes { id } } jobs(first: 20) { nodes { id visits(first: 1) { nodes { id } } } } }`,
    );
    const clientId = clients.nodes[0]?.id ?? '';
    expect(Buffer.from(clientId, 'base64').toString()).toMatch(/^gid:\/\/Jobber\/Client\/\d+$/);
    expect(Buffer.from(jobs.nodes[0]?.id ?? '', 'base64').toString()).toMatch(/^gid:\/\/Jobber\/Job\/\d+$/);
    expect(
      Buffer.from(
        jobs.nodes.find((j) => j.visits.nodes.length > 0)?.visits.nodes[0]?.id ?? '',
        'base64',
      ).toString(),
    ).toMatch(/^gid:\/\/Jobber\/Visit\/\d+$/);
    const back = await s.data<{ client: { id: string }; wrong: null }>(
      `query($id: EncodedId!, $job: EncodedId!) { client(id: $id) { id } wrong: client(id: $job) { id } }`,
      { id: clientId, job: jobs.nodes[0]?.id },
    );
    expect(back).toEqual({ client: { id: clientId }, wrong: null });
  });

  it("serves a property's name, a quote's salesperson and a request's source as the world holds them", async () => {
    const store = s.world.world.store;
    const sold = Array.from(store.all('estimate')).find((e) => e.deletedOn === null && e.soldById !== null);
    if (!sold) throw new Error('no sold estimate');
    const job = store.get('job', sold.jobId);
    const campaign = job && store.get('campaign', job.campaignId);
    const location = store.get('location', sold.locationId);
    const answer = await s.data<{
      quote: { salesperson: { id: string } | null; property: { name: string | null } };
      request: { source: string };
    }>(
      `query($quote: EncodedId!, $request: EncodedId!) {
        quote(id: $quote) { salesperson { id } property { name } } request(id: $request) { source } }`,
      { quote: encodeId('Quote', sold.id), request: encodeId('Request', sold.id) },
    );
    expect(answer).toEqual({
      quote: {
        salesperson: { id: encodeId('User', sold.soldById as number) },
        property: { name: location?.name },
      },
      request: { source: campaign?.name },
    });
    expect(campaign?.name).toEqual(expect.any(String));
    const exported = (await s.exportOf<{ id: string; salesperson: unknown }>('quotes')).find(
      (q) => q.id === encodeId('Quote', sold.id),
    );
    expect(exported?.salesperson).toEqual({ id: encodeId('User', sold.soldById as number) });
  });

  it('reaches every client exactly once by following endCursor with first: 100', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { clients }: { clients: Conn<{ id: string }> } = await s.data(
        `query($after: String) { clients(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`,
        { after },
      );
      ids.push(...clients.nodes.map((n) => n.id));
      pages++;
      if (!clients.pageInfo.hasNextPage) break;
      expect(clients.nodes).toHaveLength(100);
      after = clients.pageInfo.endCursor;
    }
    const truth = await s.exportOf<{ id: string }>('clients');
    expect(truth.length).toBeGreaterThan(200);
    expect(pages).toBe(Math.ceil(truth.length / 100));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(truth.map((c) => c.id));
  });

  it('refuses first above 100 and a malformed cursor', async () => {
    const big = await s.gql(`{ clients(first: 101) { nodes { id } } }`);
    expect(big.body.errors?.[0]?.message).toMatch(/first must be between 0 and 100/);
    const bad = await s.gql(`{ clients(first: 1, after: "nonsense") { nodes { id } } }`);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('filters clients and invoices by updatedAt (after and before, exclusive) and invoices by status', async () => {
    const truth = await s.exportOf<{ id: string; updatedAt: string }>('clients');
    const times = truth.map((c) => Date.parse(c.updatedAt)).sort((a, b) => a - b);
    const pivot = times[Math.floor(times.length / 2)] as number;
    const pivotIso = new Date(pivot).toISOString().replace('.000Z', 'Z');
    const { clients } = await s.data<{ clients: Conn<{ id: string }> }>(
      `query($t: ISO8601DateTime) { clients(first: 100, filter: { updatedAt: { after: $t } }) { nodes { id } totalCount } }`,
      { t: pivotIso },
    );
    const strictlyAfter = truth.filter((c) => Date.parse(c.updatedAt) > pivot).map((c) => c.id);
    const atOrAfter = new Set(truth.filter((c) => Date.parse(c.updatedAt) >= pivot).map((c) => c.id));
    expect(clients.totalCount).toBeGreaterThan(0);
    expect(clients.totalCount).toBeLessThan(truth.length);
    expect(clients.totalCount).toBeGreaterThanOrEqual(strictlyAfter.length);
    expect(clients.totalCount).toBeLessThanOrEqual(atOrAfter.size);
    for (const n of clients.nodes) expect(atOrAfter.has(n.id)).toBe(true);
    const { before } = await s.data<{ before: Conn<{ updatedAt: string }> }>(
      `query($t: ISO8601DateTime) { before: clients(first: 100, filter: { updatedAt: { before: $t } }) { nodes { updatedAt } totalCount } }`,
      { t: pivotIso },
    );
    expect((before.totalCount ?? 0) + (clients.totalCount ?? 0)).toBeLessThanOrEqual(truth.length);
    for (const n of before.nodes) expect(Date.parse(n.updatedAt)).toBeLessThan(pivot);
    const invoices = await s.exportOf<{ id: string; invoiceStatus: string }>('invoices');
    const { paid } = await s.data<{ paid: Conn<{ invoiceStatus: string }> }>(
      `{ paid: invoices(first: 100, filter: { status: paid }) { nodes { invoiceStatus } totalCount } }`,
    );
    expect(paid.totalCount).toBe(invoices.filter((i) => i.invoiceStatus === 'paid').length);
    expect(paid.nodes.every((n) => n.invoiceStatus === 'paid')).toBe(true);
  });

  describe('query cost', () => {
    const cost = async (query: string, variables?: Record<string, unknown>) => {
      const answer = await s.gql(query, variables);
      expect(answer.status).toBe(200);
      return answer.body.extensions?.cost;
    };

    it('prices fields at 1, edges/nodes at 0 and multiplies connections by first (100 if absent)', async () => {
      expect((await cost(`{ clients(first: 10) { nodes { id name } } }`))?.requestedQueryCost).toBe(
        1 + 10 * 2,
      );
      // nested: 1 + 5 × (id 1 + jobs (1 + 3 × 1) + pageInfo (1 + 1))
      expect(
        (
          await cost(
            `{ clients(first: 5) { nodes { id jobs(first: 3) { nodes { id } } } pageInfo { hasNextPage } } }`,
          )
        )?.requestedQueryCost,
      ).toBe(1 + 5 * (1 + (1 + 3 * 1) + (1 + 1)));
      expect((await cost(`{ users { edges { cursor node { id } } } }`))?.requestedQueryCost).toBe(
        1 + 100 * (1 + 1),
      );
      expect(
        (await cost(`query($n: Int) { jobs(first: $n) { nodes { id client { name } } } }`, { n: 7 }))
          ?.requestedQueryCost,
      ).toBe(1 + 7 * (1 + 1 + 1));
      expect((await cost(`{ __schema { types { name } } }`))?.requestedQueryCost).toBe(0);
    });

    it('reports the actual cost of what came back', async () => {
      const users = s.world.world.store.count('employee');
      const c = await cost(`{ users { nodes { id } } }`);
      expect(c?.requestedQueryCost).toBe(101);
      expect(c?.actualQueryCost).toBe(1 + users);
    });

    it('drains the bucket, answers THROTTLED with no data, and restores 500 points a second', async () => {
      const counted = async () =>
        (await s.server.app.inject({ method: 'GET', url: '/__sandbox/requests' })).json<{
          queryCost: { charged: number; throttled: number } | null;
        }>().queryCost ?? { charged: 0, throttled: 0 };
      const before = await counted();
      const query = `{ clients(first: 100) { nodes { id name firstName lastName companyName isCompany balance isArchived isLead createdAt updatedAt title billingAddress { street street1 street2 city province postalCode country } } } }`;
      const expected = 1 + 100 * 20;
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await s.gql(query);
        expect(answer.body.data).toBeDefined();
        expect(answer.body.extensions?.cost?.requestedQueryCost).toBe(expected);
        expect(answer.body.extensions?.cost?.actualQueryCost).toBe(expected);
        seen.push(answer.body.extensions?.cost?.throttleStatus.currentlyAvailable ?? -1);
      }
      expect(seen).toEqual([
        10_000 - expected,
        10_000 - 2 * expected,
        10_000 - 3 * expected,
        10_000 - 4 * expected,
      ]);
      const throttled = await s.gql(query);
      expect(throttled.status).toBe(200);
      expect(throttled.body.data).toBeUndefined();
      expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED' } }]);
      expect(throttled.body.extensions?.cost?.throttleStatus).toEqual({
        maximumAvailable: 10_000,
        currentlyAvailable: 10_000 - 4 * expected,
        restoreRate: 500,
      });
      // 1,996 left: +1 s restores 500 → 2,496, enough for one more (495 left); +1 s → 995, short again.
      now += 1_000;
      const again = await s.gql(query);
      expect(again.body.data).toBeDefined();
      expect(again.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(
        10_000 - 5 * expected + 500,
      );
      now += 1_000;
      const short = await s.gql(query);
      expect(short.body.errors?.[0]?.extensions?.code).toBe('THROTTLED');
      expect(short.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(
        10_000 - 5 * expected + 1_000,
      );
      // GET /__sandbox/requests: five answers charged their actual cost, two were THROTTLED (charging nothing)
      expect(await counted()).toEqual({
        charged: before.charged + 5 * expected,
        throttled: before.throttled + 2,
      });
      now += 3_600_000;
      const full = await s.gql(`{ account { id } }`);
      expect(full.body.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(10_000 - 2);
    });
  });

  it('needs the version header, upgrades removed versions and echoes the version used', async () => {
    const missing = await s.gql(`{ account { id } }`, {}, {});
    expect(missing.status).toBe(200);
    expect(missing.body.data).toBeUndefined();
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('MISSING_API_VERSION');
    const removed = await s.gql(`{ account { id } }`, {}, { 'x-jobber-graphql-version': '2023-11-15' });
    expect(removed.body.extensions?.versioning).toEqual({ version: '2025-01-20' });
    expect(removed.headers['x-jobber-graphql-version']).toBe('2025-01-20');
    const old = await s.gql(`{ account { id } }`, {}, { 'x-jobber-graphql-version': '2024-06-10' });
    expect(old.body.extensions?.versioning?.warning).toMatch(/no longer supported/);
    const junk = await s.gql(`{ account { id } }`, {}, { 'x-jobber-graphql-version': 'latest' });
    expect(junk.body.errors?.[0]?.extensions?.code).toBe('INVALID_API_VERSION');
  });

  it('needs the session and the CSRF token', async () => {
    const anonymous = await s.server.app.inject({
      method: 'POST',
      url: '/api/graphql',
      payload: { query: '{ account { id } }' },
    });
    expect(anonymous.statusCode).toBe(401);
    const noCsrf = await s.server.app.inject({
      method: 'POST',
      url: '/api/graphql',
      headers: { cookie: s.cookie, 'x-jobber-graphql-version': '2025-04-16' },
      payload: { query: '{ account { id } }' },
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('answers HTTP 429 over the request limit per app and account', async () => {
    const limited = await startJobberSession({
      size: 300,
      api: { requestLimit: { limit: 3, windowMs: 300_000 } },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.gql(`{ account { id } }`)).status).toBe(200);
      const over = await limited.gql(`{ account { id } }`).catch(() => undefined);
      expect(over?.status).toBe(429);
      expect(Number(over?.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('admits every request with the request window and cost bucket off (SANDBOX_API_LIMITS=off)', async () => {
    const open = await startJobberSession({ size: 300, api: { requestLimit: null, costBucket: null } });
    try {
      for (let i = 0; i < 30; i++) expect((await open.gql(`{ account { id } }`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  describe('mutations', () => {
    const store = () => s.world.world.store;
    const technicians = () =>
      Array.from(store().all('employee')).filter(
        (e) => e.role === 'Technician' && e.active && e.deletedOn === null,
      );
    const freeProperty = () => {
      for (const l of store().all('location')) {
        const c = store().get('customer', l.customerId);
        if (
          l.deletedOn === null &&
          l.mergedToId === null &&
          c &&
          c.active &&
          c.deletedOn === null &&
          c.mergedToId === null &&
          !c.doNotService
        )
          return l;
      }
      throw new Error('no property');
    };
    const JOB_CREATE = `mutation($input: JobCreateAttributes!) { jobCreate(input: $input) { job { id jobStatus title visits(first: 5) { nodes { id startAt assignedUsers(first: 5) { nodes { id } } } } } userErrors { message path } } }`;

    it('creates a job with a visit and accepts overlapping visits of one user, but refuses a non-technician and writes nothing', async () => {
      const [a, b] = technicians();
      if (!a || !b) throw new Error('need two technicians');
      const office = Array.from(store().all('employee')).find(
        (e) => e.role !== 'Technician' && e.active && e.deletedOn === null,
      );
      if (!office) throw new Error('need an office user');
      const startMs = s.world.world.clock.now() + 300 * 86_400_000;
      const start = new Date(startMs).toISOString();
      const end = new Date(startMs + 7_200_000).toISOString();
      const property = encodeId('Property', freeProperty().id);
      type Created = {
        jobCreate: {
          job: {
            id: string;
            jobStatus: string;
            visits: Conn<{ id: string; assignedUsers: Conn<{ id: string }> }>;
          };
          userErrors: unknown[];
        };
      };
      const first = await s.data<Created>(JOB_CREATE, {
        input: {
          propertyId: property,
          title: 'Replace condenser',
          scheduling: { startAt: start, endAt: end, assignedUserIds: [encodeId('User', a.id)] },
        },
      });
      expect(first.jobCreate.userErrors).toEqual([]);
      expect(first.jobCreate.job.jobStatus).toBe('upcoming');
      expect(first.jobCreate.job.visits.nodes[0]?.assignedUsers.nodes).toEqual([
        { id: encodeId('User', a.id) },
      ]);
      const firstVisitId = first.jobCreate.job.visits.nodes[0]?.id;
      const second = await s.data<Created>(JOB_CREATE, {
        input: {
          propertyId: property,
          title: 'Second opinion',
          scheduling: { startAt: start, endAt: end, assignedUserIds: [encodeId('User', b.id)] },
        },
      });
      const visitId = second.jobCreate.job.visits.nodes[0]?.id;
      const EDIT_ASSIGNMENT = `mutation($id: EncodedId!, $users: [EncodedId!]!) { appointmentEditAssignment(appointmentId: $id, input: { assignedUserIds: $users }) { appointment { id assignedUsers(first: 5) { nodes { id } } } userErrors { message path } } }`;

      // A non-technician is still refused, before any write.
      const before = store().rowVersion;
      const refused = await s.gql<{
        appointmentEditAssignment: {
          appointment: unknown;
          userErrors: { message: string; path: string[] }[];
        };
      }>(EDIT_ASSIGNMENT, {
        id: visitId,
        users: [encodeId('User', b.id), encodeId('User', a.id), encodeId('User', office.id)],
      });
      expect(refused.status).toBe(200);
      expect(refused.body.data?.appointmentEditAssignment.appointment).toBeNull();
      expect(refused.body.data?.appointmentEditAssignment.userErrors).toEqual([
        {
          message: expect.stringMatching(/not a technician/) as unknown,
          path: ['input', 'assignedUserIds', '2'],
        },
      ]);
      expect(store().rowVersion).toBe(before);

      // User a is already on the first visit in that window: Jobber's calendar holds both visits.
      const both = await s.data<{
        appointmentEditAssignment: {
          appointment: { id: string; assignedUsers: Conn<{ id: string }> };
          userErrors: unknown[];
        };
      }>(EDIT_ASSIGNMENT, { id: visitId, users: [encodeId('User', b.id), encodeId('User', a.id)] });
      expect(both.appointmentEditAssignment.userErrors).toEqual([]);
      expect(both.appointmentEditAssignment.appointment.assignedUsers.nodes).toEqual(
        [a.id, b.id].sort((x, y) => x - y).map((id) => ({ id: encodeId('User', id) })),
      );
      const secondVisit = decodeId(visitId as string, 'Visit') as number;
      const firstVisit = decodeId(firstVisitId as string, 'Visit') as number;
      const bookingsOfA = Array.from(store().all('assignment')).filter(
        (r) =>
          r.technicianId === a.id &&
          r.deletedOn === null &&
          [firstVisit, secondVisit].includes(r.appointmentId),
      );
      // The world records the overlap as the office's decision, and stays consistent.
      expect(bookingsOfA.map((r) => [r.appointmentId, r.overlapAllowed])).toEqual([
        [firstVisit, undefined],
        [secondVisit, true],
      ]);
      expect(checkWorldInvariants(store())).toEqual([]);

      // Moving the first visit by an hour keeps it over the second one: accepted too.
      const laterStart = new Date(startMs + 3_600_000).toISOString();
      const moved = await s.data<{
        appointmentEditSchedule: { appointment: { startAt: string }; userErrors: unknown[] };
      }>(
        `mutation($id: EncodedId!, $s: ISO8601DateTime!, $e: ISO8601DateTime!) { appointmentEditSchedule(appointmentId: $id, input: { startAt: $s, endAt: $e }) { appointment { startAt } userErrors { message path } } }`,
        { id: firstVisitId, s: laterStart, e: new Date(startMs + 3 * 3_600_000).toISOString() },
      );
      expect(moved.appointmentEditSchedule.userErrors).toEqual([]);
      expect(Date.parse(moved.appointmentEditSchedule.appointment.startAt)).toBe(startMs + 3_600_000);

      // And a new job booking user a in the same window again.
      const third = await s.data<Created>(JOB_CREATE, {
        input: {
          propertyId: property,
          title: 'Third visit',
          scheduling: { startAt: start, endAt: end, assignedUserIds: [encodeId('User', a.id)] },
        },
      });
      expect(third.jobCreate.userErrors).toEqual([]);
      expect(third.jobCreate.job.visits.nodes[0]?.assignedUsers.nodes).toEqual([
        { id: encodeId('User', a.id) },
      ]);
      expect(checkWorldInvariants(store())).toEqual([]);
    });

    it('lists visits by date range and converts a quote into a job once', async () => {
      const [tech] = technicians();
      if (!tech) throw new Error('need a technician');
      const day = s.world.world.clock.now() + 320 * 86_400_000;
      const at = (h: number) => new Date(day + h * 3_600_000).toISOString();
      const property = freeProperty();
      const made = await s.data<{ jobCreate: { job: { id: string }; userErrors: unknown[] } }>(JOB_CREATE, {
        input: {
          propertyId: encodeId('Property', property.id),
          title: 'Tune-up',
          scheduling: { startAt: at(1), endAt: at(3), assignedUserIds: [encodeId('User', tech.id)] },
        },
      });
      expect(made.jobCreate.userErrors).toEqual([]);
      const VISITS = `query($f: VisitFilterAttributes) { visits(first: 50, filter: $f) { nodes { id job { id } assignedUsers(first: 5) { nodes { id } } } } }`;
      const overlapping = await s.data<{ visits: Conn<{ job: { id: string } }> }>(VISITS, {
        f: { startAt: { before: at(2) }, endAt: { after: at(2.5) } },
      });
      expect(overlapping.visits.nodes.map((v) => v.job.id)).toEqual([made.jobCreate.job.id]);
      const after = await s.data<{ visits: Conn<unknown> }>(VISITS, {
        f: { startAt: { before: at(5) }, endAt: { after: at(3) } },
      });
      expect(after.visits.nodes).toEqual([]);

      const QUOTE = `mutation($a: QuoteCreateAttributes!) { quoteCreate(attributes: $a) { quote { id quoteStatus } userErrors { message path } } }`;
      const quote = await s.data<{ quoteCreate: { quote: { id: string } } }>(QUOTE, {
        a: { jobId: made.jobCreate.job.id, title: 'Upgrade', lineItems: [{ name: 'Coil', unitPrice: 900 }] },
      });
      const CONVERT = `mutation($input: JobCreateAttributes!) { jobCreate(input: $input) { job { id title quote { id quoteStatus } } userErrors { message path } } }`;
      const input = { propertyId: encodeId('Property', property.id), quoteId: quote.quoteCreate.quote.id };
      const converted = await s.data<{
        jobCreate: { job: { id: string; title: string; quote: { id: string; quoteStatus: string } } };
      }>(CONVERT, { input });
      expect(converted.jobCreate.job).toMatchObject({
        title: 'Upgrade',
        quote: { id: quote.quoteCreate.quote.id, quoteStatus: 'approved' },
      });
      const before = store().rowVersion;
      const again = await s.data<{ jobCreate: { job: unknown; userErrors: { path: string[] }[] } }>(CONVERT, {
        input,
      });
      expect(again.jobCreate.job).toBeNull();
      expect(again.jobCreate.userErrors).toEqual([
        { message: expect.stringMatching(/already been converted/) as unknown, path: ['input', 'quoteId'] },
      ]);
      expect(store().rowVersion).toBe(before);
    });

    it('refuses a client without a name with userErrors and writes nothing', async () => {
      const before = store().rowVersion;
      const answer = await s.gql<{
        clientCreate: { client: unknown; userErrors: { message: string; path: string[] }[] };
      }>(
        `mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { id } userErrors { message path } } }`,
        {
          input: {
            emails: [{ address: 'x@example.com' }],
            billingAddress: { street1: '1 Main St', city: 'Austin', province: 'TX', postalCode: '78701' },
          },
        },
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data?.clientCreate).toEqual({
        client: null,
        userErrors: [
          {
            message: 'Client must have a first name, last name or company name',
            path: ['input', 'firstName'],
          },
        ],
      });
      expect(store().rowVersion).toBe(before);
      const created = await s.data<{
        clientCreate: { client: { name: string; emails: { address: string }[] } };
      }>(
        `mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { name emails { address } } userErrors { message path } } }`,
        {
          input: {
            firstName: 'Ada',
            lastName: 'Lovelace',
            emails: [{ address: 'ada@example.com' }],
            billingAddress: { street1: '1 Main St', city: 'Austin', province: 'TX', postalCode: '78701' },
          },
        },
      );
      expect(created.clientCreate.client).toEqual({
        name: 'Ada Lovelace',
        emails: [{ address: 'ada@example.com' }],
      });
    });

    it("edits a client's tags (tagsToAdd, tagsToDelete); Client.tags, the tags filter and the export show them", async () => {
      const client = Array.from(store().all('customer')).find(
        (c) => c.active && c.deletedOn === null && c.mergedToId === null,
      );
      if (!client) throw new Error('no client');
      const id = encodeId('Client', client.id);
      const EDIT = `mutation($id: EncodedId!, $input: ClientEditInput!) { clientEdit(clientId: $id, input: $input) {
        client { updatedAt tags(first: 5) { nodes { id label } pageInfo { hasNextPage } } } userErrors { message path } } }`;
      type Edited = {
        clientEdit: {
          client: { updatedAt: string; tags: Conn<{ id: string; label: string }> } | null;
          userErrors: { message: string; path: string[] }[];
        };
      };
      const before = store().rowVersion;
      const blank = await s.data<Edited>(EDIT, { id, input: { tagsToAdd: ['VIP', ' '] } });
      expect(blank.clientEdit).toEqual({
        client: null,
        userErrors: [{ message: 'Tag cannot be blank', path: ['input', 'tagsToAdd', '1'] }],
      });
      expect(store().rowVersion).toBe(before);

      s.world.world.clock.advance(5_000);
      const added = await s.data<Edited>(EDIT, { id, input: { tagsToAdd: ['VIP', ' Pool ', 'VIP'] } });
      expect(added.clientEdit.userErrors).toEqual([]);
      expect(added.clientEdit.client?.tags.nodes.map((t) => t.label)).toEqual(['VIP', 'Pool']);
      const vip = added.clientEdit.client?.tags.nodes[0]?.id ?? '';
      expect(Buffer.from(vip, 'base64').toString()).toMatch(/^gid:\/\/Jobber\/Tag\/\d+$/);
      expect(Date.parse(added.clientEdit.client?.updatedAt ?? '')).toBeGreaterThan(client.modifiedOn);

      const edited = await s.data<Edited>(EDIT, {
        id,
        input: { tagsToDelete: ['VIP'], tagsToAdd: ['Net 30'] },
      });
      expect(edited.clientEdit.client?.tags.nodes.map((t) => t.label)).toEqual(['Pool', 'Net 30']);

      const tagged = await s.data<{ clients: Conn<{ id: string }> }>(
        `query($tags: [String!]) { clients(first: 100, filter: { tags: $tags }) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { tags: ['Net 30'] },
      );
      expect(tagged.clients.nodes).toEqual([{ id }]);
      const row = (await s.exportOf<{ id: string; tags: unknown }>('clients')).find((c) => c.id === id);
      expect(row?.tags).toEqual({
        nodes: [{ label: 'Pool' }, { label: 'Net 30' }],
        pageInfo: { hasNextPage: false, endCursor: expect.any(String) as unknown },
      });
    });

    it('closes a job once; closing it again is a userError that changes nothing', async () => {
      const job = Array.from(store().all('job')).find(
        (j) => j.status === 'Scheduled' || j.status === 'InProgress',
      );
      if (!job) throw new Error('no open job');
      const CLOSE = `mutation($id: EncodedId!) { jobClose(jobId: $id) { job { jobStatus completedAt } userErrors { message path } } }`;
      const closed = await s.data<{
        jobClose: { job: { jobStatus: string; completedAt: string | null }; userErrors: unknown[] };
      }>(CLOSE, { id: encodeId('Job', job.id) });
      expect(closed.jobClose.userErrors).toEqual([]);
      expect(['requires_invoicing', 'archived']).toContain(closed.jobClose.job.jobStatus);
      expect(closed.jobClose.job.completedAt).not.toBeNull();
      const before = store().rowVersion;
      const again = await s.data<{ jobClose: { job: unknown; userErrors: { path: string[] }[] } }>(CLOSE, {
        id: encodeId('Job', job.id),
      });
      expect(again.jobClose).toEqual({
        job: null,
        userErrors: [{ message: expect.stringMatching(/already closed/) as unknown, path: ['jobId'] }],
      });
      expect(store().rowVersion).toBe(before);
    });

    it('creates an invoice and records payments against it; overpaying is a userError', async () => {
      const job = Array.from(store().all('job')).find(
        (j) => j.status === 'Completed' && store().children('invoice', 'jobId', j.id).length === 0,
      );
      if (!job) throw new Error('no job to invoice');
      const created = await s.data<{
        invoiceCreate: {
          invoice: { id: string; invoiceStatus: string; amounts: { total: number; invoiceBalance: number } };
          userErrors: unknown[];
        };
      }>(
        `mutation($a: InvoiceCreateAttributes!) { invoiceCreate(attributes: $a) { invoice { id invoiceStatus amounts { total invoiceBalance } } userErrors { message path } } }`,
        {
          a: {
            jobId: encodeId('Job', job.id),
            lineItems: [{ name: 'Diagnostic', quantity: 1.5, unitPrice: 89.5, taxable: false }],
          },
        },
      );
      expect(created.invoiceCreate.userErrors).toEqual([]);
      expect(created.invoiceCreate.invoice.amounts).toEqual({ total: 134.25, invoiceBalance: 134.25 });
      const PAY = `mutation($a: PaymentRecordCreateAttributes!) { paymentRecordCreate(attributes: $a) { paymentRecord { amount paymentType invoice { invoiceStatus amounts { invoiceBalance } } } userErrors { message path } } }`;
      const before = store().rowVersion;
      const over = await s.data<{ paymentRecordCreate: { paymentRecord: unknown; userErrors: unknown[] } }>(
        PAY,
        {
          a: { invoiceId: created.invoiceCreate.invoice.id, amount: 500, paymentType: 'CASH' },
        },
      );
      expect(over.paymentRecordCreate.paymentRecord).toBeNull();
      expect(over.paymentRecordCreate.userErrors).toHaveLength(1);
      expect(store().rowVersion).toBe(before);
      const paid = await s.data<{
        paymentRecordCreate: {
          paymentRecord: {
            amount: number;
            paymentType: string;
            invoice: { invoiceStatus: string; amounts: { invoiceBalance: number } };
          };
        };
      }>(PAY, {
        a: { invoiceId: created.invoiceCreate.invoice.id, amount: 134.25, paymentType: 'CHEQUE' },
      });
      expect(paid.paymentRecordCreate.paymentRecord).toEqual({
        amount: 134.25,
        paymentType: 'CHEQUE',
        invoice: { invoiceStatus: 'paid', amounts: { invoiceBalance: 0 } },
      });
    });
  });
});
