import { WorkizSpecValidators, type WorkizOperation } from './__fixtures__/workiz-openapi.fixture';
import { startWorkizSession, type WorkizSession } from './__fixtures__/workiz-session.fixture';
import { workizLocalDateTime } from './workiz-datetime.util';
import { WORKIZ_USERS } from './workiz.users';

/* Workiz's API in the sandbox, in-process through Fastify inject: the published contract, its style, its rules. */

type Row = Record<string, unknown>;
interface ListBody {
  flag: boolean;
  data: Row[];
  has_more: boolean;
}
const DAY = 86_400_000;

let specs: WorkizSpecValidators;
beforeAll(async () => {
  specs = await WorkizSpecValidators.load();
});

/** Every page of a listing. */
async function all(session: WorkizSession, path: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += 100) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await session.api(`${path}${sep}records=100&offset=${offset}`);
    expect(page.status).toBe(200);
    const body = page.body as unknown as ListBody;
    rows.push(...body.data);
    if (!body.has_more) return rows;
  }
}

// CPU-bound, not waiting on anything: each case generates a world (up to 3,000 records) and validates
// every page of every modelled operation against the published description; on 2 cores beside the e2e
// suites' processes that outran jest's 5 s default in a CI run at load 9.
jest.setTimeout(60_000);

describe('Workiz API contract (workiz-openapi.yml)', () => {
  for (const size of [300, 3000]) {
    for (const seed of [1, 2, 3]) {
      it(`every answer of a modelled operation validates (seed ${seed}, size ${size})`, async () => {
        const s = await startWorkizSession({ seed, size });
        const failures: string[] = [];
        const check = (op: WorkizOperation, status: number, body: unknown, what: string = op) => {
          const errors = specs.validate(op, status, body);
          if (errors.length) failures.push(`${what} ${status}: ${errors.slice(0, 3).join('; ')}`);
        };
        try {
          const jobs = await s.api('job/all/?only_open=false&start_date=2020-01-01&records=100');
          check('listJobs', 200, jobs.body);
          const firstJob = (jobs.body as unknown as ListBody).data[0];
          expect(firstJob).toBeDefined();
          check('listJobs', 200, (await s.api('job/all/')).body, 'listJobs default window');
          const one = await s.api(`job/get/${String(firstJob?.['UUID'])}/`);
          check('getJob', 200, one.body);
          check('getJob', 404, (await s.api('job/get/ZZZZZZZZ/')).body);
          check(
            'listJobs',
            401,
            (
              await s.server.app.inject({
                method: 'GET',
                url: '/api/v1/nope/job/all/',
                headers: { cookie: s.cookie },
              })
            ).json(),
          );

          const leads = await s.api('lead/all/?only_open=false&start_date=2020-01-01');
          check('listLeads', 200, leads.body);
          const firstLead = (leads.body as unknown as ListBody).data[0];
          expect(firstLead).toBeDefined();
          check('getLead', 200, (await s.api(`lead/get/${String(firstLead?.['UUID'])}/`)).body);
          check('getLead', 404, (await s.api('lead/get/ZZZZZZZZ/')).body);

          const team = await s.api('team/all/');
          check('listTeam', 200, team.body);
          const member = (team.body as unknown as ListBody).data.find((m) => m['role'] === 'Technician');
          check('getTeamMember', 200, (await s.api(`team/get/${String(member?.['id'])}/`)).body);
          check('getTeamMember', 404, (await s.api('team/get/1/')).body);

          // Writes: each answer validates too (on a job created here, so every world has one to move).
          const jobType = String(firstJob?.['JobType']);
          const zip = String(firstJob?.['PostalCode']);
          const created = await s.post('job/create/', {
            FirstName: 'Casey',
            LastName: 'Contract',
            Phone: '(512) 555-0142',
            Address: '12 Test Ln',
            City: 'Austin',
            State: 'TX',
            PostalCode: zip,
            JobType: jobType,
            JobDateTime: workizLocalDateTime(s.world.world.clock.now() + 3 * DAY, 'America/Chicago'),
          });
          expect(created.status).toBe(200);
          check('createJob', 200, created.body);
          const uuid = String((created.body['data'] as Row)['UUID']);
          const free = (team.body as unknown as ListBody).data.find((m) => m['role'] === 'Technician');
          const name = String(free?.['name']);
          check('assignJob', 200, (await s.post('job/assign/', { UUID: uuid, User: name })).body);
          check('assignJob', 401, (await s.post('job/assign/', { UUID: uuid, User: name }, false)).body);
          check('unassignJob', 200, (await s.post('job/unassign/', { UUID: uuid, User: name })).body);
          check('updateJob', 200, (await s.post('job/update/', { UUID: uuid, SubStatus: 'Confirmed' })).body);
          check('updateJob', 404, (await s.post('job/update/', { UUID: 'ZZZZZZZZ', SubStatus: 'x' })).body);
          const lead = await s.post('lead/create/', {
            LeadType: jobType,
            LeadSource: 'Website form',
            FirstName: 'Lee',
            LastName: 'Lead',
            Phone: '5125550177',
            PostalCode: zip,
          });
          check('createLead', 200, lead.body);
          const leadUuid = String((lead.body['data'] as Row)['UUID']);
          check('updateLead', 200, (await s.post('lead/update/', { UUID: leadUuid, Status: 'lost' })).body);
          const owing = (await all(s, 'job/all/?only_open=false&start_date=2020-01-01')).find(
            (j) => typeof j['JobAmountDue'] === 'number' && j['JobAmountDue'] >= 1,
          );
          if (owing) {
            check(
              'addJobPayment',
              200,
              (await s.post(`job/addPayment/${String(owing['UUID'])}/`, { amount: 1, paymentMethod: 'cash' }))
                .body,
            );
          }
          check('addJobPayment', 404, (await s.post('job/addPayment/ZZZZZZZZ/', { amount: 1 })).body);
        } finally {
          await s.close();
        }
        expect(failures).toEqual([]);
      });
    }
  }
});

describe('Workiz API style and rules', () => {
  let s: WorkizSession;
  beforeAll(async () => {
    s = await startWorkizSession({ seed: 4, size: 3000 });
  });
  afterAll(() => s.close());

  it('hides Done and Canceled jobs and everything older than 14 days unless asked', async () => {
    const now = s.world.world.clock.now();
    const everything = await all(s, 'job/all/?only_open=false&start_date=2000-01-01');
    const truth = await s.exportOf<Row>('jobs');
    expect(new Set(everything.map((j) => j['UUID']))).toEqual(new Set(truth.map((j) => j['UUID'])));
    expect(everything).toEqual(
      [...truth].sort(
        (a, b) =>
          String(b['JobDateTime']).localeCompare(String(a['JobDateTime'])) ||
          parseInt(String(b['UUID']), 36) - parseInt(String(a['UUID']), 36),
      ),
    );
    const defaults = await all(s, 'job/all/');
    const cutoff = workizLocalDateTime(now - 14 * DAY, 'America/Chicago');
    expect(defaults.length).toBeGreaterThan(0);
    expect(defaults.every((j) => String(j['JobDateTime']) >= cutoff)).toBe(true);
    expect(defaults.every((j) => j['Status'] !== 'Done' && j['Status'] !== 'Canceled')).toBe(true);
    expect(everything.some((j) => j['Status'] === 'Done')).toBe(true);
    expect(everything.some((j) => String(j['JobDateTime']) < cutoff)).toBe(true);
  });

  it('answers in its own style: PascalCase, local times with Timezone, dollars, digits, names on Team', async () => {
    const [job] = (await s.api('job/all/?only_open=false&start_date=2020-01-01&records=1')).body[
      'data'
    ] as Row[];
    expect(job).toMatchObject({ Timezone: 'America/Chicago' });
    expect(String(job?.['JobDateTime'])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(typeof job?.['JobTotalPrice']).toBe('number');
    expect(String(job?.['Phone'])).toMatch(/^(\d{10})?$/);
    expect(Array.isArray(job?.['Team'])).toBe(true);
    const [lead] = (await s.api('lead/all/?only_open=false&start_date=2020-01-01&records=1')).body[
      'data'
    ] as Row[];
    expect(typeof lead?.['Latitude']).toBe('string');
    expect(typeof lead?.['Longitude']).toBe('string');
  });

  it('pages at most 100 records with an offset and says has_more', async () => {
    const first = await s.api('job/all/?only_open=false&start_date=2020-01-01&records=100&offset=0');
    const second = await s.api('job/all/?only_open=false&start_date=2020-01-01&records=100&offset=100');
    const a = (first.body['data'] as Row[]).map((j) => j['UUID']);
    const b = (second.body['data'] as Row[]).map((j) => j['UUID']);
    expect([a.length, first.body['has_more']]).toEqual([100, true]);
    expect(a.filter((u) => b.includes(u))).toEqual([]);
    const tooMany = await s.api('job/all/?records=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ flag: false, code: 400 });
    expect(String(tooMany.body['msg'])).toContain('records');
  });

  it('needs auth_secret on writes while reads work without it, and the token in the path', async () => {
    expect((await s.api('team/all/')).status).toBe(200);
    const refused = await s.post('lead/create/', { LeadType: 'x', PostalCode: '78701' }, false);
    expect([refused.status, refused.body['flag'], refused.body['code']]).toEqual([401, false, 401]);
    const wrongToken = await s.server.app.inject({
      method: 'GET',
      url: '/api/v1/api_wrong/team/all/',
      headers: { cookie: s.cookie },
    });
    expect(wrongToken.statusCode).toBe(401);
  });

  it('assigns by full name once: a second assign is 400 "User is already assigned"', async () => {
    const jobs = await all(s, 'job/all/?start_date=2020-01-01');
    const job = jobs.find((j) => j['Status'] === 'Submitted');
    const team = (await s.api('team/all/')).body['data'] as Row[];
    const assigned = new Set(job?.['Team'] as string[]);
    const tech = team.find((m) => m['role'] === 'Technician' && !assigned.has(String(m['name'])));
    const body = { UUID: job?.['UUID'], User: tech?.['name'] };
    expect((await s.post('job/assign/', body)).status).toBe(200);
    const again = await s.post('job/assign/', body);
    expect([again.status, again.body['msg']]).toEqual([400, 'User is already assigned']);
    const after = await s.api(`job/get/${String(job?.['UUID'])}/`);
    expect((after.body['data'] as Row)['Team']).toContain(tech?.['name']);
    const unknown = await s.post('job/assign/', { UUID: job?.['UUID'], User: 'Nobody Atall' });
    expect([unknown.status, unknown.body['flag']]).toEqual([400, false]);
  });

  it("keeps a renamed technician's old name on jobs already assigned; assign and unassign go by the user", async () => {
    const team = (await s.api('team/all/')).body['data'] as Row[];
    const jobs = await all(s, 'job/all/?start_date=2020-01-01');
    const job = jobs.find((j) => j['Status'] === 'Submitted' && (j['Team'] as string[]).length > 0);
    const oldName = (job?.['Team'] as string[])[0] ?? '';
    const tech = team.find((m) => m['name'] === oldName);
    const renamed = await s.server.app.inject({
      method: 'POST',
      url: '/ajaxc/team/update/',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify({ user_id: Number(tech?.['id']), name: 'Renata Renamed' }),
    });
    expect(renamed.statusCode).toBe(200);
    const shown = (await s.api(`job/get/${String(job?.['UUID'])}/`)).body['data'] as Row;
    expect(shown['Team']).toContain(oldName);
    const again = await s.post('job/assign/', { UUID: job?.['UUID'], User: 'Renata Renamed' });
    expect([again.status, again.body['msg']]).toEqual([400, 'User is already assigned']);
    const byOldName = await s.post('job/unassign/', { UUID: job?.['UUID'], User: oldName });
    expect([byOldName.status, byOldName.body['flag']]).toEqual([400, false]);
    expect((await s.post('job/unassign/', { UUID: job?.['UUID'], User: 'Renata Renamed' })).status).toBe(200);
    const reassigned = await s.post('job/assign/', { UUID: job?.['UUID'], User: 'Renata Renamed' });
    expect(((reassigned.body['data'] as Row)['Team'] as string[]).includes('Renata Renamed')).toBe(true);
  });

  it('keeps a sub-status the office sets, moving LastStatusUpdate but nothing other vendors see', async () => {
    const jobs = await all(s, 'job/all/?start_date=2020-01-01');
    const job = jobs.find((j) => j['Status'] === 'Submitted');
    const rowVersion = s.world.world.store.rowVersion;
    s.world.advance(60_000);
    const before = s.world.world.store.rowVersion;
    const updated = await s.post('job/update/', { UUID: job?.['UUID'], SubStatus: 'Waiting for customer' });
    expect(updated.status).toBe(200);
    const data = updated.body['data'] as Row;
    expect(data['SubStatus']).toBe('Waiting for customer');
    expect(String(data['LastStatusUpdate']) > String(job?.['LastStatusUpdate'])).toBe(true);
    expect(s.world.world.store.rowVersion).toBe(before);
    expect(before).toBeGreaterThanOrEqual(rowVersion);
    const done = await s.post('job/update/', { UUID: job?.['UUID'], Status: 'Done' });
    expect([done.status, (done.body['data'] as Row)['Status']]).toEqual([200, 'Done']);
    const bad = await s.post('job/update/', { UUID: job?.['UUID'], Status: 'Finished' });
    expect([bad.status, String(bad.body['msg'])]).toEqual([
      400,
      expect.stringContaining('Status must be one of'),
    ]);
  });

  it('moves a lead through its life: lost, active again, converted into a client job', async () => {
    const [zip] = (await s.exportOf<Row>('service_areas'))[0]?.['zip_codes'] as string[];
    const created = await s.post('lead/create/', {
      LeadType: String((await s.exportOf<Row>('jobs'))[0]?.['JobType']),
      LeadSource: 'Phone call',
      FirstName: 'Mia',
      LastName: 'Missedcall',
      Phone: '5125550188',
      PostalCode: zip,
      LeadDateTime: workizLocalDateTime(s.world.world.clock.now() + 2 * DAY, 'America/Chicago'),
    });
    const uuid = String((created.body['data'] as Row)['UUID']);
    const lost = await s.post('lead/markLost/', { UUID: uuid });
    expect((lost.body['data'] as Row)['Status']).toBe('Lost');
    expect((await s.post('lead/convert/', { UUID: uuid })).status).toBe(400);
    expect(((await s.post('lead/activate/', { UUID: uuid })).body['data'] as Row)['Status']).toBe('New');
    const converted = await s.post('lead/convert/', { UUID: uuid });
    expect(converted.status).toBe(200);
    const jobUuid = String((converted.body['data'] as Row)['UUID']);
    const job = (await s.api(`job/get/${jobUuid}/`)).body['data'] as Row;
    expect([job['FirstName'], job['LastName'], job['Phone']]).toEqual(['Mia', 'Missedcall', '5125550188']);
    const lead = (await s.api(`lead/get/${uuid}/`)).body['data'] as Row;
    expect([lead['Status'], lead['JobUUID'], lead['ClientId']]).toEqual([
      'Converted',
      jobUuid,
      String(job['ClientId']),
    ]);
    expect((await s.post('lead/markLost/', { UUID: uuid })).status).toBe(400);
  });

  it('records a payment in dollars against the job, refusing more than is due', async () => {
    const owing = (await all(s, 'job/all/?only_open=false&start_date=2020-01-01')).find(
      (j) => (j['JobAmountDue'] as number) >= 10,
    );
    expect(owing).toBeDefined();
    const uuid = String(owing?.['UUID']);
    const due = owing?.['JobAmountDue'] as number;
    const paid = await s.post(`job/addPayment/${uuid}/`, {
      amount: 10.25,
      paymentMethod: 'cash',
      note: 'memo-1',
    });
    expect(paid.status).toBe(200);
    const after = (await s.api(`job/get/${uuid}/`)).body['data'] as Row;
    expect(Math.round((after['JobAmountDue'] as number) * 100)).toBe(Math.round(due * 100) - 1025);
    const over = await s.post(`job/addPayment/${uuid}/`, { amount: due * 10, paymentMethod: 'cash' });
    expect([over.status, over.body['flag']]).toEqual([400, false]);
    const card = await s.post(`job/addPayment/${uuid}/`, { amount: 1, paymentMethod: 'credit_card' });
    expect([card.status, card.body['msg']]).toEqual([400, 'cardBrand is required for this paymentMethod']);
  });

  it('serves what the API lacks from the web app, every record paged', async () => {
    for (const [path, key] of [
      ['/ajaxc/clients/list/', 'clients'],
      ['/ajaxc/invoices/list/', 'invoices'],
      ['/ajaxc/estimates/list/', 'estimates'],
      ['/ajaxc/payments/list/', 'payments'],
      ['/ajaxc/calls/list/', 'calls'],
      ['/ajaxc/messages/threads/', 'threads'],
      ['/ajaxc/pricebook/items/', 'pricebook_items'],
    ] as const) {
      const rows: Row[] = [];
      for (let page = 1; ; page++) {
        const r = await s.web(`${path}?page=${page}&per_page=200`);
        expect([path, r.status]).toEqual([path, 200]);
        rows.push(...(r.body[key] as Row[]));
        if (rows.length >= (r.body['total'] as number)) break;
      }
      expect([key, rows]).toEqual([key, await s.exportOf<Row>(key)]);
    }
    const calls = await s.exportOf<Row>('calls');
    expect(calls.some((c) => c['recording'] !== null)).toBe(true);
  });

  it('writes clients, estimates and invoices through the web app, refusing a bad field by name', async () => {
    const webPost = async (path: string, payload: unknown, csrf: string | null = s.csrf) => {
      const r = await s.server.app.inject({
        method: 'POST',
        url: path,
        headers: {
          cookie: s.cookie,
          ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
          'content-type': 'application/json',
        },
        payload: JSON.stringify(payload),
      });
      return { status: r.statusCode, body: r.json<Row>() };
    };
    const client = await webPost('/ajaxc/clients/create/', {
      first_name: 'Wendy',
      last_name: 'Webapp',
      phone: '(512) 555-0123',
      billing_address: { address: '9 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
    });
    expect(client.status).toBe(200);
    const clientId = (client.body['client'] as Row)['client_id'];
    expect((await s.exportOf<Row>('clients')).find((c) => c['client_id'] === clientId)).toEqual(
      client.body['client'],
    );
    expect(
      (await webPost('/ajaxc/clients/create/', { first_name: 'X', billing_address: {} }, null)).status,
    ).toBe(403);
    const badZip = await webPost('/ajaxc/clients/create/', {
      first_name: 'X',
      billing_address: { address: '1 A St', city: 'Austin', state: 'TX', zip: '7870' },
    });
    expect([badZip.status, badZip.body['field']]).toEqual([400, 'billing_address.zip']);

    const [job] = (await s.api('job/all/?only_open=false&start_date=2020-01-01&records=1')).body[
      'data'
    ] as Row[];
    const item = (await s.exportOf<Row>('pricebook_items')).find((i) => i['active'] === true);
    const estimate = await webPost('/ajaxc/estimates/create/', {
      job_uuid: job?.['UUID'],
      name: 'Replace condenser',
      options: [{ name: 'Good', items: [{ item_id: item?.['item_id'], qty: 1 }] }],
    });
    expect(estimate.status).toBe(200);
    const invoice = await webPost('/ajaxc/invoices/create/', {
      job_uuid: job?.['UUID'],
      items: [{ name: 'Diagnostic', price: 89.5, qty: 2, taxable: false }],
    });
    expect(invoice.status).toBe(200);
    expect((invoice.body['invoice'] as Row)['subtotal']).toBe(179);
    const invoices = await s.exportOf<Row>('invoices');
    expect(invoices.find((i) => i['invoice_id'] === (invoice.body['invoice'] as Row)['invoice_id'])).toEqual(
      invoice.body['invoice'],
    );
    const badPrice = await webPost('/ajaxc/invoices/create/', {
      job_uuid: job?.['UUID'],
      items: [{ name: 'Diagnostic', price: 1.005 }],
    });
    expect([badPrice.status, badPrice.body['field']]).toEqual([400, 'items.0.price']);
  });

  it('signs in every kind of user (no 2FA, SMS code, email code)', async () => {
    for (const user of WORKIZ_USERS) {
      const other = await startWorkizSession({ world: s.world, user });
      expect((await other.api('team/all/')).status).toBe(200);
      await other.close();
    }
  });
});

describe('Workiz faults, limits and activity', () => {
  let s: WorkizSession;
  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: unknown) =>
    s.server.app.inject({
      method,
      url: `/__sandbox/${path}`,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  beforeEach(async () => {
    s = await startWorkizSession({ seed: 5, size: 3000 });
  });
  afterEach(() => s.close());

  it('answers 429 with Retry-After, 5xx, and renamed fields when those faults are set', async () => {
    await control('POST', 'faults', { rateLimit: { next: 1, retryAfterSeconds: 3 } });
    const limited = await s.api('job/all/');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '3']);
    expect((await s.api('job/all/')).status).toBe(200);
    await control('POST', 'faults', { rateLimit: null, serverError: { rate: 1, status: 503 } });
    expect((await s.api('job/all/')).status).toBe(503);
    await control('POST', 'faults', { serverError: null, drift: [{ from: 'JobDateTime', to: 'JobDate' }] });
    const drifted = (await s.api('job/all/?records=1')).body['data'] as Row[];
    expect(Object.keys(drifted[0] ?? {})).toContain('JobDate');
    expect(Object.keys(drifted[0] ?? {})).not.toContain('JobDateTime');
  });

  it("limits the account's API calls per rolling 10 s with 429 and Retry-After", async () => {
    const limited = await startWorkizSession({ world: s.world, api: { requestsPer10s: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.api('team/all/')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limited.api('team/all/');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.body).toMatchObject({ flag: false, code: 429 });
    } finally {
      await limited.close();
    }
  });

  it('lives on the activity clock: new leads and calls arrive, changed jobs show their change', async () => {
    const leadsBefore = (await s.exportOf<Row>('leads')).length;
    const callsBefore = (await s.exportOf<Row>('calls')).length;
    const jobsBefore = new Map((await s.exportOf<Row>('jobs')).map((j) => [j['UUID'], JSON.stringify(j)]));
    const advanced = (await control('POST', 'world/advance', { ms: 12 * 3_600_000 })).json<{
      changes: number;
    }>();
    expect(advanced.changes).toBeGreaterThan(0);
    expect((await s.exportOf<Row>('calls')).length).toBeGreaterThan(callsBefore);
    expect((await s.exportOf<Row>('leads')).length).toBeGreaterThan(leadsBefore);
    const jobsAfter = await s.exportOf<Row>('jobs');
    const changed = jobsAfter.filter((j) => jobsBefore.get(j['UUID']) !== JSON.stringify(j));
    expect(changed.length).toBeGreaterThan(0);
    // What the API lists after the change is what the ground truth holds.
    const listed = await all(s, 'job/all/?only_open=false&start_date=2000-01-01');
    expect(new Map(listed.map((j) => [j['UUID'], j]))).toEqual(new Map(jobsAfter.map((j) => [j['UUID'], j])));
  });
});
