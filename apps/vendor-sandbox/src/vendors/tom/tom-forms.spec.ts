import * as cheerio from 'cheerio';
import pino from 'pino';
import { PortalServer } from '../../portal/portal-server';
import type { TestUserSpec } from '../../portal/portal.types';
import { SandboxWorldHost } from '../../world-host/sandbox-world.host';
import { signInTom } from './__fixtures__/tom-session.fixture';
import { createTomPortal } from './tom.portal';

/*
 * TOM's entry screens: form POST with the session's anti-forgery token, 303 to the record, refusals
 * re-rendered with the message beside the field, closed accounting periods refused with TOM's message.
 */

const portal = createTomPortal();
const world = new SandboxWorldHost({ seed: 3, size: 400, ratePerMinute: 2 });

describe('Total Office Manager entry forms', () => {
  let server: PortalServer;
  let cookie = '';
  let csrf = '';
  const admin = portal.users.find((u) => u.mfa === 'none') as TestUserSpec;

  const detail = async (url: string): Promise<Record<string, string>> => {
    const res = await server.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
    expect([url, res.statusCode]).toEqual([url, 200]);
    const $ = cheerio.load(res.body);
    return Object.fromEntries(
      $('#record dt')
        .map((_i, dt) => [[$(dt).text(), $(dt).next('dd').text()]])
        .get() as [string, string][],
    );
  };
  const post = (url: string, fields: Record<string, string>, token = csrf) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ __RequestVerificationToken: token, ...fields }).toString(),
    });
  const refusal = (html: string) => {
    const li = cheerio.load(html)('.validation-summary-errors li');
    return { field: li.attr('data-field'), code: li.attr('data-code'), message: li.text() };
  };

  beforeAll(async () => {
    server = await PortalServer.create(portal, {
      logger: pino({ level: 'silent' }),
      lockoutDurationMs: 60_000,
      seed: 1,
      world,
    });
    cookie = await signInTom(server.app, admin);
    const form = await server.app.inject({ method: 'GET', url: '/Customers/New', headers: { cookie } });
    csrf = cheerio.load(form.body)('input[name="__RequestVerificationToken"]').attr('value') ?? '';
  });

  afterAll(() => server.close());

  it('refuses a form without the anti-forgery token', async () => {
    const res = await post('/Customers/New', { Name: 'No Token' }, 'forged');
    expect(res.statusCode).toBe(403);
  });

  it('creates a customer with its first Customer:Job and memo, and re-renders a bad one with its message', async () => {
    const fields = {
      Name: 'Quinn Quarry',
      Type: 'Commercial',
      Phone: '(512) 555-0188',
      Email: 'quinn@example.com',
      Street: '1 Quarry Rd',
      City: 'Austin',
      State: 'TX',
      Zip: '78701',
      JobName: 'Plant 2',
      Memo: 'fs:cmd_1',
    };
    const bad = await post('/Customers/New', { ...fields, Zip: '787' });
    expect(bad.statusCode).toBe(400);
    expect(refusal(bad.body)).toEqual({ field: 'Zip', code: 'invalid', message: 'Zip must be five digits.' });
    expect(cheerio.load(bad.body)('input[name="Name"]').attr('value')).toBe('Quinn Quarry');
    const res = await post('/Customers/New', fields);
    expect(res.statusCode).toBe(303);
    const customer = await detail(res.headers.location as string);
    expect(customer).toMatchObject({ Customer: 'Quinn Quarry', Type: 'Commercial', Memo: 'fs:cmd_1' });
    const jobs = world.world.store.children('location', 'customerId', Number(customer['Customer ID']));
    expect(jobs.map((j) => j.name)).toEqual(['Plant 2']);
  });

  it('creates, dispatches and completes a work order', async () => {
    const location = [...world.world.store.all('location')].find((l) => l.deletedOn === null);
    const tech = [...world.world.store.all('employee')].find((e) => e.role === 'Technician' && e.active);
    const jobType = [...world.world.store.all('jobType')][0];
    if (!location || !tech || !jobType) throw new Error('world without a location, technician or type');
    const created = await post('/WorkOrders/New', {
      JobID: String(location.id),
      Description: 'No cooling upstairs',
      Type: jobType.name,
      Priority: 'High',
      Start: '3/10/2026 9:00 AM',
      Duration: '90',
      UDF1: 'fs:cmd_2',
    });
    expect(created.statusCode).toBe(303);
    const url = created.headers.location as string;
    expect(await detail(url)).toMatchObject({
      Status: 'Scheduled',
      Priority: 'High',
      Start: '3/10/2026 9:00:00 AM',
      'Duration (min)': '90',
      'User Defined 1': 'UDF1=fs:cmd_2',
    });
    const number = url.split('/').pop() ?? '';
    const dispatched = await post(`/WorkOrders/${number}/Dispatch`, {
      Start: '3/10/2026 1:00 PM',
      Duration: '60',
      TechnicianIDs: String(tech.id),
    });
    expect(dispatched.statusCode).toBe(303);
    expect(await detail(url)).toMatchObject({
      Status: 'Dispatched',
      Start: '3/10/2026 1:00:00 PM',
      'Assigned IDs': String(tech.id),
    });
    expect((await post(`/WorkOrders/${number}/Status`, { Status: 'Completed' })).statusCode).toBe(303);
    expect((await detail(url))['Status']).toBe('Completed');
    const unknown = await post('/WorkOrders/999999999/Status', { Status: 'Completed' });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses an invoice or a payment dated in a closed accounting period, naming the date field', async () => {
    const job = [...world.world.store.all('job')].find(
      (j) => j.status === 'Completed' && j.deletedOn === null,
    );
    const item = [...world.world.store.all('pricebookItem')].find((i) => i.active && i.deletedOn === null);
    if (!job || !item) throw new Error('world without a completed job or an item');
    const locked = await post('/Invoices/New', {
      WorkOrder: job.jobNumber,
      Date: '1/15/2026',
      Items: `${String(item.id)} x 2`,
    });
    expect(locked.statusCode).toBe(400);
    expect(refusal(locked.body)).toEqual({
      field: 'Date',
      code: 'period_locked',
      message: 'The accounting period 2026-01 is closed; 2026-01-15 cannot be posted.',
    });
    const created = await post('/Invoices/New', {
      WorkOrder: job.jobNumber,
      Date: '2/27/2026',
      Items: `${String(item.id)} x 2`,
      Memo: 'fs:cmd_3',
    });
    expect(created.statusCode).toBe(303);
    const invoice = await detail(created.headers.location as string);
    expect(invoice).toMatchObject({ Date: '2/27/2026', Memo: 'fs:cmd_3', Status: 'Open' });

    const payLocked = await post('/Payments/New', {
      Invoice: invoice['Invoice #'] ?? '',
      Amount: '10.00',
      Date: '12/31/2025',
    });
    expect(refusal(payLocked.body)).toMatchObject({ field: 'Date', code: 'period_locked' });
    const tooMuch = await post('/Payments/New', { Invoice: invoice['Invoice #'] ?? '', Amount: '99999.00' });
    expect(refusal(tooMuch.body)).toMatchObject({ field: 'Amount', code: 'invalid' });
    const paid = await post('/Payments/New', {
      Invoice: invoice['Invoice #'] ?? '',
      Amount: '10.00',
      Method: 'Check',
      Reference: '1042',
      Memo: 'fs:cmd_4',
    });
    expect(paid.statusCode).toBe(303);
    expect(await detail(paid.headers.location as string)).toMatchObject({
      Amount: '$10.00',
      Method: 'Check',
      Reference: '1042',
      Memo: 'fs:cmd_4',
    });
    expect((await detail(created.headers.location as string))['Status']).toBe('Partially Paid');
  });
});
