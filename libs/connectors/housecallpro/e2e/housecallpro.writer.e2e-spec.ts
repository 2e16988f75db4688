import {
  canonicalId,
  commandResultDataSchemas,
  normalizeTimestamp,
  type CommandOf,
} from '@fieldsync/canonical-model';
import {
  BrowserPool,
  markerOf,
  VendorWriteError,
  withSessionPage,
  type CapturedSession,
  type VendorRecord,
  type WriteContext,
} from '@fieldsync/connector-kit';
import {
  canonicalFactory,
  killSpawnedServices,
  sandboxAuthContext,
  startSandbox,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { housecallproAuthFlow, housecallproReadSide, housecallproWriteSide } from '../src';
import type { HousecallProJob } from '../src/housecallpro.schemas';

/*
 * client.create, job.create and job.dispatch against the real sandbox through the v1 API, each read back
 * and checked in the sandbox's ground truth; a retried command's `find` returns the first attempt's
 * record instead of making a second one. payment.record against the real sandbox through a real Chromium: the v1 API has no payment endpoint,
 * so the write fills the web app's invoice screen form in the WriteContext's portal page, and reads the
 * invoice back through the API. The marker in the payment's note makes a retried command find its
 * payment instead of recording a second one.
 */

jest.setTimeout(120_000);

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
const MAP_CTX = { tenantId: 'tenant-w', connectionId: 'conn-hcp-writer' };
const factory = canonicalFactory({ ...MAP_CTX, vendor: 'housecallpro' });

describe('Housecall Pro writes: the v1 API for customers, jobs and dispatch, the web app for payments (Chromium against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let hcp: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  let worldNow = 0;
  const store = new Map<string, RecordOf>();
  const write = housecallproWriteSide.writes['payment.record'];

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_API_LIMITS: 'off' });
    hcp = sandbox.portal('housecallpro');
    await hcp.control('POST', 'reset', { world: { seed: 29, size: 300 } });
    worldNow = Date.parse((await hcp.control<{ now: string }>('GET', 'world')).now);
    pool = new BrowserPool({ maxConcurrent: 1 });
    session = await pool.withPage((page) =>
      housecallproAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: hcp,
          credentials: {
            connectionId: MAP_CTX.connectionId,
            tenantId: MAP_CTX.tenantId,
            vendor: 'housecallpro',
            portalUrl: hcp.url,
            username: 'office@brightside-plumbing.example',
            password: 'Sandbox!Office1',
            mfa: { method: 'none' },
          },
        }),
      ),
    );
    for (const name of ['invoices', 'customers', 'employees', 'jobs']) {
      const stream = housecallproReadSide.streams.find((s) => s.stream === name);
      if (!stream) throw new Error(`no ${name} stream`);
      let checkpoint: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const page = await stream.readPage(baseCtx(), checkpoint);
        keep(page.records);
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
    }
  });

  /** Records into the store the writes resolve from (as the writer's canonical store holds them). */
  function keep(records: readonly VendorRecord[]): void {
    for (const r of records) {
      if (r.kind === 'record') store.set(canonicalId(MAP_CTX.connectionId, r.entity, r.externalId), r);
    }
  }

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const baseCtx = () => ({
    tenantId: MAP_CTX.tenantId,
    connectionId: MAP_CTX.connectionId,
    vendor: 'housecallpro' as const,
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(worldNow),
  });

  function writeCtx(command: { idempotencyKey: string }): WriteContext {
    const ctx = baseCtx();
    return {
      ...ctx,
      marker: markerOf(MAP_CTX.tenantId, command.idempotencyKey),
      firstAttemptAt: new Date(worldNow),
      resolve(id, field) {
        const record = store.get(id);
        if (!record)
          return Promise.reject(new VendorWriteError('not_found', `${field} is unknown`, { field }));
        return Promise.resolve({
          entity: record.entity,
          externalId: record.externalId,
          document: housecallproReadSide.mapper.toCanonical(record, MAP_CTX),
          raw: record.raw,
        });
      },
      portal: (fn) => withSessionPage(pool, session, fn, ctx.signal),
    };
  }

  /** An open invoice with at least `cents` due, from the store. */
  function openInvoice(cents: number): { id: string; externalId: string; due: number } {
    for (const [id, r] of store) {
      if (r.entity !== 'invoice') continue;
      const raw = r.raw as { invoice: { status: string; due_amount: number } };
      if (raw.invoice.status === 'open' && raw.invoice.due_amount >= cents) {
        return { id, externalId: r.externalId, due: raw.invoice.due_amount };
      }
    }
    throw new Error('no open invoice');
  }

  const paymentsOf = async (invoiceExternalId: string) =>
    (
      (await (await fetch(`${hcp.url}/__sandbox/world/export/invoices`)).json()) as {
        data: { id: string; due_amount: number; payments: { id: string; amount: number; note: string }[] }[];
      }
    ).data.find((i) => i.id === invoiceExternalId);

  it('records a card payment with a tip through the invoice screen, read back to the cent; a retry finds it', async () => {
    if (!write?.find) throw new Error('payment.record has no write with find');
    const invoice = openInvoice(3000);
    const cmd = factory.command('payment.record', {
      invoiceId: invoice.id,
      currency: 'USD',
      amount: 12.34,
      tipAmount: 2,
      method: 'card',
      cardBrand: 'Visa',
      cardLast4: '4242',
      externalTransactionId: 'ch_3PZ',
      memo: 'Paid at the door',
    }) as CommandOf<'payment.record'>;
    expect(await write.find(writeCtx(cmd), cmd)).toBeNull();
    const done = await write.execute(writeCtx(cmd), cmd);
    const result = commandResultDataSchemas['payment.record'].parse(done.result);
    expect(result).toMatchObject({
      invoiceId: invoice.id,
      status: 'captured',
      currency: 'USD',
      amountApplied: 12.34,
      balanceRemaining: (invoice.due - 1234) / 100,
    });
    const payment = done.records[0];
    expect(payment?.entity).toBe('payment');
    expect(housecallproReadSide.mapper.toCanonical(payment as RecordOf, MAP_CTX)).toMatchObject({
      amount: 12.34,
      method: 'card',
      memo: expect.stringContaining('Paid at the door · Ref ch_3PZ · fieldsync:') as unknown,
    });
    // The ground truth holds it once; the retried command finds it (no second payment).
    const truth = await paymentsOf(invoice.externalId);
    expect(truth?.payments.filter((p) => p.note.includes(writeCtx(cmd).marker))).toHaveLength(1);
    const again = await write.find(writeCtx(cmd), cmd);
    expect(again?.result).toEqual(done.result);
    expect((await paymentsOf(invoice.externalId))?.payments.length).toBe(truth?.payments.length);
  });

  it('refuses what the form cannot take, naming the field, and an amount over the balance', async () => {
    if (!write) throw new Error('no payment.record write');
    const invoice = openInvoice(100);
    const before = await paymentsOf(invoice.externalId);
    const other = factory.command('payment.record', {
      invoiceId: invoice.id,
      currency: 'USD',
      amount: 1,
      method: 'other',
    }) as CommandOf<'payment.record'>;
    await expect(write.execute(writeCtx(other), other)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.method' },
    });
    const over = factory.command('payment.record', {
      invoiceId: invoice.id,
      currency: 'USD',
      amount: (invoice.due + 100) / 100,
      method: 'cash',
    }) as CommandOf<'payment.record'>;
    await expect(write.execute(writeCtx(over), over)).rejects.toMatchObject({
      code: 'vendor_rejected',
      details: { field: 'payload.amount' },
    });
    expect(write.carries).not.toContain('collectedAt');
    expect(write.carries).not.toContain('processor');
    expect((await paymentsOf(invoice.externalId))?.payments.length).toBe(before?.payments.length);
  });

  const exported = async <T>(entity: string): Promise<T[]> =>
    ((await (await fetch(`${hcp.url}/__sandbox/world/export/${entity}`)).json()) as { data: T[] }).data;
  const ADDRESS = {
    line1: '12 Elm St',
    line2: null,
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    country: 'US',
    geo: null,
  };
  const techs = () =>
    [...store.entries()]
      .filter(([, r]) => r.entity === 'technician' && (r.raw as { role: string }).role === 'field tech')
      .map(([id]) => id);

  it('client.create makes the customer with its billing and service addresses once; a retry finds it by name and email', async () => {
    const write = housecallproWriteSide.writes['client.create'];
    if (!write?.find) throw new Error('client.create has no write with find');
    const cmd = factory.command('client.create', {
      displayName: 'Grace Hopper',
      primaryContact: { name: 'Grace Hopper', email: 'grace@example.com', phone: '512-555-0199' },
      billingAddress: ADDRESS,
      locations: [{ address: { ...ADDRESS, line1: '99 Oak Ave' } }],
      tags: ['new'],
    }) as CommandOf<'client.create'>;
    expect(await write.find(writeCtx(cmd), cmd)).toBeNull();
    const done = await write.execute(writeCtx(cmd), cmd);
    const result = commandResultDataSchemas['client.create'].parse(done.result);
    expect(result.locationIds).toHaveLength(1);
    keep(done.records);
    const customers = await exported<{
      id: string;
      first_name: string;
      last_name: string;
      email: string;
      tags: string[];
      addresses: { type: string; street: string }[];
    }>('customers');
    const mine = customers.filter((c) => c.email === 'grace@example.com');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', tags: ['new'] });
    expect(mine[0]?.addresses.map((a) => [a.type, a.street])).toEqual([
      ['billing', '12 Elm St'],
      ['service', '99 Oak Ave'],
    ]);
    const mapped = housecallproReadSide.mapper.toCanonical(done.records[0] as RecordOf, MAP_CTX);
    expect(mapped).toMatchObject({ id: result.customerId, displayName: 'Grace Hopper' });
    const again = await write.find(writeCtx(cmd), cmd);
    expect(again?.result).toEqual(done.result);
    expect(
      (await exported<{ email: string }>('customers')).filter((c) => c.email === 'grace@example.com'),
    ).toHaveLength(1);
  });

  it('client.create refuses what Housecall Pro cannot carry, by name, before writing', async () => {
    const write = housecallproWriteSide.writes['client.create'];
    if (!write) throw new Error('no client.create write');
    expect(write.carries).not.toContain('notes');
    expect(write.carries).not.toContain('marketingOptIn');
    const geo = factory.command('client.create', {
      displayName: 'Geo Person',
      billingAddress: { ...ADDRESS, geo: { lat: 30, lon: -97 } },
    }) as CommandOf<'client.create'>;
    await expect(write.execute(writeCtx(geo), geo)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.billingAddress.geo' },
    });
    const other = factory.command('client.create', {
      displayName: 'Alan Turing',
      primaryContact: { name: 'Someone Else' },
      billingAddress: ADDRESS,
    }) as CommandOf<'client.create'>;
    await expect(write.execute(writeCtx(other), other)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.primaryContact.name' },
    });
  });

  it('job.create books the job at a new service address with a window, a technician and line items, its note carrying the marker; then job.dispatch moves and re-crews it', async () => {
    const create = housecallproWriteSide.writes['job.create'];
    const dispatch = housecallproWriteSide.writes['job.dispatch'];
    if (!create?.find || !dispatch) throw new Error('job.create / job.dispatch missing');
    const customer = [...store.entries()].find(
      ([, r]) => r.entity === 'customer' && (r.raw as { email: string | null }).email === 'grace@example.com',
    );
    if (!customer) throw new Error('the customer of the client.create test is not in the store');
    const [tech1, tech2] = techs();
    if (!tech1 || !tech2) throw new Error('two field techs expected');
    const start = new Date(worldNow + 3 * 86_400_000).toISOString();
    const cmd = factory.command('job.create', {
      customerId: customer[0],
      serviceAddress: { ...ADDRESS, line1: '7 Pine Rd' },
      title: 'AC not cooling',
      description: 'Upstairs unit',
      appointment: { scheduledStart: start, durationMinutes: 120 },
      technicianIds: [tech1],
      currency: 'USD',
      lineItems: [
        {
          name: 'Diagnostic',
          description: 'AC diagnostic visit',
          quantity: 1,
          unitPrice: 89.5,
          taxable: false,
        },
      ],
    }) as CommandOf<'job.create'>;
    expect(await create.find(writeCtx(cmd), cmd)).toBeNull();
    const done = await create.execute(writeCtx(cmd), cmd);
    const result = commandResultDataSchemas['job.create'].parse(done.result);
    keep(done.records);
    const jobs = await exported<{
      id: string;
      notes: { content: string }[];
      subtotal: number;
      assigned_employees: { id: string }[];
      address: { street: string };
      schedule: { scheduled_start: string };
    }>('jobs');
    const marker = writeCtx(cmd).marker;
    const mine = jobs.filter((j) => j.notes.some((n) => n.content.includes(marker)));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      subtotal: 8950,
      address: { street: '7 Pine Rd' },
      schedule: { scheduled_start: start },
      assigned_employees: [{ id: store.get(tech1)?.externalId }],
    });
    expect(mine[0]?.notes[0]?.content).toBe(`AC not cooling\n\nUpstairs unit\n${marker}`);
    expect(await create.find(writeCtx(cmd), cmd)).toMatchObject({ result: done.result });

    const moved = new Date(worldNow + 4 * 86_400_000).toISOString();
    const d = factory.command('job.dispatch', {
      jobId: result.jobId,
      allowOverlap: false,
      technicians: { mode: 'replace', technicianIds: [tech2] },
      window: { scheduledStart: moved, durationMinutes: 90 },
    }) as CommandOf<'job.dispatch'>;
    const dispatched = await dispatch.execute(writeCtx(d), d);
    expect(commandResultDataSchemas['job.dispatch'].parse(dispatched.result)).toEqual({
      jobId: result.jobId,
      appointmentId: result.appointmentId,
      technicianIds: [tech2],
      scheduledStart: normalizeTimestamp(moved),
      scheduledEnd: normalizeTimestamp(new Date(Date.parse(moved) + 90 * 60_000).toISOString()),
    });
    const after = (
      await exported<{
        id: string;
        assigned_employees: { id: string }[];
        schedule: { scheduled_start: string };
      }>('jobs')
    ).find((j) => j.id === mine[0]?.id);
    expect(after).toMatchObject({
      assigned_employees: [{ id: store.get(tech2)?.externalId }],
      schedule: { scheduled_start: moved },
    });
    const add = factory.command('job.dispatch', {
      jobId: result.jobId,
      allowOverlap: false,
      technicians: { mode: 'assign', technicianIds: [tech1] },
    }) as CommandOf<'job.dispatch'>;
    const both = commandResultDataSchemas['job.dispatch'].parse(
      (await dispatch.execute(writeCtx(add), add)).result,
    );
    expect([...both.technicianIds].sort()).toEqual([tech1, tech2].sort());
    // Another job's booked technician in that job's window: what the writer's conflict check refuses.
    const booked = [...store.values()]
      .filter((r) => r.entity === 'job')
      .flatMap((r) => (r.raw as HousecallProJob).schedule.appointments ?? [])
      .find((a) => a.dispatched_employees_ids.length > 0);
    if (!booked) throw new Error('no booked appointment in the world');
    const techId = canonicalId(
      MAP_CTX.connectionId,
      'technician',
      booked.dispatched_employees_ids[0] as string,
    );
    const clash = factory.command('job.dispatch', {
      jobId: result.jobId,
      allowOverlap: false,
      technicians: { mode: 'replace', technicianIds: [techId] },
      window: { scheduledStart: booked.start_time, scheduledEnd: booked.end_time },
    }) as CommandOf<'job.dispatch'>;
    expect(await dispatch.bookings?.(writeCtx(clash), clash)).toContainEqual({
      technicianId: techId,
      appointmentId: canonicalId(MAP_CTX.connectionId, 'appointment', booked.id),
      start: normalizeTimestamp(booked.start_time),
      end: normalizeTimestamp(booked.end_time),
    });
  });

  it("invoice.create bills a job's lines once (a retry finds the invoice), job.status.update moves it on the job screen to completed, and payment.record pays it", async () => {
    const create = housecallproWriteSide.writes['job.create'];
    const invoice = housecallproWriteSide.writes['invoice.create'];
    const status = housecallproWriteSide.writes['job.status.update'];
    const pay = housecallproWriteSide.writes['payment.record'];
    if (!create || !invoice?.find || !status || !pay) throw new Error('a write is missing');
    const customer = [...store.entries()].find(
      ([, r]) => r.entity === 'customer' && (r.raw as { email: string | null }).email === 'grace@example.com',
    );
    if (!customer) throw new Error('the customer of the client.create test is not in the store');
    const job = factory.command('job.create', {
      customerId: customer[0],
      serviceAddress: { ...ADDRESS, line1: '99 Oak Ave' },
      title: 'Water heater',
      appointment: { scheduledStart: new Date(worldNow + 5 * 86_400_000).toISOString(), durationMinutes: 60 },
    }) as CommandOf<'job.create'>;
    const made = await create.execute(writeCtx(job), job);
    keep(made.records);
    const jobId = commandResultDataSchemas['job.create'].parse(made.result).jobId;

    const cmd = factory.command('invoice.create', {
      jobId,
      currency: 'USD',
      lineItems: [
        { name: 'Anode rod', description: 'Magnesium', quantity: 2, unitPrice: 45.25, taxable: false },
        { description: 'Labor', quantity: 1.5, unitPrice: 120, taxable: false },
      ],
    }) as CommandOf<'invoice.create'>;
    expect(await invoice.find(writeCtx(cmd), cmd)).toBeNull();
    const billed = await invoice.execute(writeCtx(cmd), cmd);
    const result = commandResultDataSchemas['invoice.create'].parse(billed.result);
    expect(result).toMatchObject({ currency: 'USD', total: 270.5, balance: 270.5 });
    keep(billed.records);
    expect(await invoice.find(writeCtx(cmd), cmd)).toMatchObject({ result: billed.result });
    const truth = (await exported<{ id: string; job_id: string; subtotal: number }>('invoices')).filter(
      (i) => i.job_id === store.get(jobId)?.externalId,
    );
    expect(truth.map((i) => i.subtotal)).toEqual([27_050]);
    await expect(invoice.execute(writeCtx(cmd), cmd)).rejects.toMatchObject({
      code: 'vendor_rejected',
      details: { field: 'payload.lineItems' },
    });

    const move = async (target: 'en_route' | 'in_progress' | 'completed') => {
      const c = factory.command('job.status.update', {
        jobId,
        status: target,
      }) as CommandOf<'job.status.update'>;
      return commandResultDataSchemas['job.status.update'].parse(
        (await status.execute(writeCtx(c), c)).result,
      );
    };
    expect(await move('en_route')).toEqual({ jobId, status: 'en_route', vendorStatus: 'scheduled' });
    expect(await move('en_route')).toMatchObject({ status: 'en_route' }); // already there: nothing pressed
    expect(await move('in_progress')).toMatchObject({ status: 'in_progress', vendorStatus: 'in progress' });
    expect((await move('completed')).status).toBe('completed');
    const onSite = factory.command('job.status.update', {
      jobId,
      status: 'on_site',
    }) as CommandOf<'job.status.update'>;
    await expect(status.execute(writeCtx(onSite), onSite)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.status' },
    });

    const payment = factory.command('payment.record', {
      invoiceId: result.invoiceId,
      currency: 'USD',
      amount: 270.5,
      method: 'check',
      checkNumber: '1042',
    }) as CommandOf<'payment.record'>;
    const paid = commandResultDataSchemas['payment.record'].parse(
      (await pay.execute(writeCtx(payment), payment)).result,
    );
    expect(paid).toMatchObject({ invoiceId: result.invoiceId, amountApplied: 270.5, balanceRemaining: 0 });
  });

  it('job.status.update cancels a job with its reason kept as a job note', async () => {
    const status = housecallproWriteSide.writes['job.status.update'];
    if (!status) throw new Error('no job.status.update write');
    const open = [...store.entries()].find(
      ([, r]) => r.entity === 'job' && (r.raw as HousecallProJob).work_status === 'scheduled',
    );
    if (!open) throw new Error('no scheduled job in the store');
    const c = factory.command('job.status.update', {
      jobId: open[0],
      status: 'canceled',
      reason: 'Customer sold the house',
    }) as CommandOf<'job.status.update'>;
    const done = await status.execute(writeCtx(c), c);
    expect(done.result).toMatchObject({ status: 'canceled', vendorStatus: 'pro canceled' });
    const job = (
      await exported<{ id: string; work_status: string; notes: { content: string }[] }>('jobs')
    ).find((j) => j.id === open[1].externalId);
    expect(job?.notes.map((n) => n.content)).toContain('Canceled: Customer sold the house');
    const reasonless = factory.command('job.status.update', {
      jobId: open[0],
      status: 'completed',
      reason: 'done',
    }) as CommandOf<'job.status.update'>;
    await expect(status.execute(writeCtx(reasonless), reasonless)).rejects.toMatchObject({
      details: { field: 'payload.reason' },
    });
  });

  it('quote.create makes an estimate with the marker in its note once (a retry finds it), and quote.convert approves it into a job once', async () => {
    const create = housecallproWriteSide.writes['quote.create'];
    const convert = housecallproWriteSide.writes['quote.convert'];
    if (!create?.find || !convert?.find) throw new Error('quote writes missing');
    const customer = [...store.entries()].find(
      ([, r]) => r.entity === 'customer' && (r.raw as { email: string | null }).email === 'grace@example.com',
    );
    if (!customer) throw new Error('the customer of the client.create test is not in the store');
    const cmd = factory.command('quote.create', {
      customerId: customer[0],
      title: 'Replace water heater',
      currency: 'USD',
      notes: 'Valid for 30 days',
      lineItems: [
        { name: '50 gal heater', description: 'Gas', quantity: 1, unitPrice: 1299.99 },
        { description: 'Install labor', quantity: 3, unitPrice: 95 },
      ],
    }) as CommandOf<'quote.create'>;
    expect(await create.find(writeCtx(cmd), cmd)).toBeNull();
    const made = await create.execute(writeCtx(cmd), cmd);
    const result = commandResultDataSchemas['quote.create'].parse(made.result);
    expect(result).toMatchObject({ currency: 'USD', total: 1584.99 });
    keep(made.records);
    expect(await create.find(writeCtx(cmd), cmd)).toMatchObject({ result: made.result });
    const marker = writeCtx(cmd).marker;
    const estimates = await exported<{
      id: string;
      options: { name: string; notes: { content: string }[] }[];
    }>('estimates');
    const mine = estimates.filter((e) =>
      e.options.some((o) => o.notes.some((n) => n.content.includes(marker))),
    );
    expect(mine.map((e) => e.options.map((o) => [o.name, o.notes.map((n) => n.content)]))).toEqual([
      [['Replace water heater', [`Valid for 30 days\n${marker}`]]],
    ]);
    expect(create.carries).not.toContain('discount');
    expect(create.carries).not.toContain('jobId');

    const conv = factory.command('quote.convert', {
      estimateId: result.estimateId,
    }) as CommandOf<'quote.convert'>;
    expect(await convert.find(writeCtx(conv), conv)).toBeNull();
    const converted = await convert.execute(writeCtx(conv), conv);
    const done = commandResultDataSchemas['quote.convert'].parse(converted.result);
    expect(done.estimateId).toBe(result.estimateId);
    const jobs = (await exported<{ id: string; original_estimate_id: string | null }>('jobs')).filter(
      (j) => j.original_estimate_id === mine[0]?.id,
    );
    expect(jobs.map((j) => canonicalId(MAP_CTX.connectionId, 'job', j.id))).toEqual([done.jobId]);
    expect(await convert.find(writeCtx(conv), conv)).toMatchObject({ result: converted.result });
    await expect(convert.execute(writeCtx(conv), conv)).rejects.toMatchObject({ code: 'vendor_rejected' });
  });
});
