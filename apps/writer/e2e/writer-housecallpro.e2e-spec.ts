import {
  commandResultSchema,
  type CommandResult,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { expectEventually } from '@fieldsync/testing';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Every Housecall Pro command through the writer PROCESS against the sandbox, as writer-commands does for
 * ServiceTitan and Jobber: each command is published on FSM_COMMANDS, its result is `succeeded` and
 * parses, the sandbox's ground truth shows the change, and FSM_EVENTS carries the change event of the
 * record it made or changed. The v1 API carries customers, jobs, dispatch, estimates, their approval and
 * a job's invoice; the job status and the payment go through the web app's screens in the writer's
 * Chromium. Five sends of one idempotency key make one vendor record.
 */

jest.setTimeout(240_000);

type Row = Record<string, unknown>;
const DAY = 86_400_000;
const VENDOR = 'housecallpro' as const;

const address = (line1: string) => ({
  line1,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
});

describe('writer: every Housecall Pro command through the writer process (sandbox, real services)', () => {
  let world: WriterWorld;

  beforeAll(async () => {
    world = await startWriterWorld({
      name: 'hcp',
      vendors: [VENDOR],
      extractorEnv: { EXTRACTOR_STREAM_INTERVALS: 'customers=2s,jobs=2s,estimates=2s,invoices=2s' },
    });
    await world.startWriter();
  });

  afterAll(async () => {
    await world?.close();
  });

  async function send(type: CommandType, payload: unknown, key?: string): Promise<CommandResult> {
    const command = world.command(VENDOR, type, payload, key);
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    expect(commandResultSchema.safeParse(result).error).toBeUndefined();
    return result as CommandResult;
  }

  async function ok(type: CommandType, payload: unknown): Promise<Row> {
    const result = await send(type, payload);
    expect({ type, status: result.status, error: result.error }).toEqual({
      type,
      status: 'succeeded',
      error: undefined,
    });
    return result.result as Row;
  }

  /** Waits for an event of `type` about the canonical record `subject` on FSM_EVENTS. */
  async function expectEvent(subject: string, type: string): Promise<void> {
    await expectEventually(
      async () => {
        const events = (await world.events()).filter((e) => e.subject === subject);
        if (!events.some((e) => e.type === type))
          throw new Error(`no ${type} for ${subject} yet (${events.map((e) => e.type).join(', ')})`);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }

  /** The vendor id of a canonical record the writer stored. */
  async function externalId(entity: EntityType, id: unknown): Promise<string> {
    const row = (await world.stored(VENDOR, entity)).find((r) => r.id === id);
    if (!row) throw new Error(`${entity} ${String(id)} is not in the canonical store`);
    return row.externalId;
  }

  const truthOf = async (entity: string, id: string): Promise<Row | undefined> =>
    (await world.groundTruth(VENDOR, entity)).find((r) => r['id'] === id);

  it('client.create → job.create → job.dispatch → job.status.update → invoice.create → payment.record → quote.create → quote.convert', async () => {
    const run = Date.now();
    const technicians = await world.stored(VENDOR, 'technician');
    const [t1, t2] = technicians.filter((t) => t.document['vendorRole'] === 'field tech').map((t) => t.id);
    if (!t1 || !t2) throw new Error('two technicians expected');

    // client.create: the customer and its addresses in the ground truth, customer.created on FSM_EVENTS.
    const email = `hcp.writer.${run}@example.com`;
    const client = await ok('client.create', {
      displayName: `Wanda Writer`,
      primaryContact: { name: 'Wanda Writer', email },
      billingAddress: address('1 Writer Way'),
      locations: [{ address: address('2 Writer Way') }],
    });
    const customerExt = await externalId('customer', client['customerId']);
    expect(await truthOf('customers', customerExt)).toMatchObject({
      first_name: 'Wanda',
      last_name: 'Writer',
      email,
    });
    await expectEvent(String(client['customerId']), 'customer.created');

    // job.create at the customer's service address, with a window and a technician.
    const start = new Date(Math.ceil((Date.now() + 20 * DAY) / 3_600_000) * 3_600_000).toISOString();
    const job = await ok('job.create', {
      customerId: client['customerId'],
      locationId: (client['locationIds'] as string[])[0],
      title: 'No hot water',
      appointment: { scheduledStart: start, durationMinutes: 90 },
      technicianIds: [t1],
      allowOverlap: true,
    });
    const jobExt = await externalId('job', job['jobId']);
    expect(await truthOf('jobs', jobExt)).toMatchObject({
      customer: { id: customerExt },
      work_status: 'scheduled',
      assigned_employees: [{ id: await externalId('technician', t1) }],
    });
    await expectEvent(String(job['jobId']), 'job.created');

    // job.dispatch: another technician, the window a day later.
    const moved = new Date(Date.parse(start) + DAY).toISOString();
    const dispatched = await ok('job.dispatch', {
      jobId: job['jobId'],
      technicians: { mode: 'replace', technicianIds: [t2] },
      window: { scheduledStart: moved, durationMinutes: 60 },
      allowOverlap: true,
    });
    expect(dispatched['technicianIds']).toEqual([t2]);
    expect(await truthOf('jobs', jobExt)).toMatchObject({
      assigned_employees: [{ id: await externalId('technician', t2) }],
      schedule: { scheduled_start: moved },
    });
    await expectEvent(String(job['jobId']), 'job.updated');

    // job.status.update on the web app's job screen: on my way.
    const enRoute = await ok('job.status.update', { jobId: job['jobId'], status: 'en_route' });
    expect(enRoute).toMatchObject({ status: 'en_route', vendorStatus: 'scheduled' });
    expect((await truthOf('jobs', jobExt))?.['work_timestamps']).toMatchObject({
      on_my_way_at: expect.any(String) as unknown,
    });
    await expectEvent(String(job['jobId']), 'job.updated');

    // invoice.create: the job's line items make its invoice.
    const invoice = await ok('invoice.create', {
      jobId: job['jobId'],
      currency: 'USD',
      lineItems: [
        { name: 'Thermocouple', description: 'Part', quantity: 1, unitPrice: 38.5, taxable: false },
        { description: 'Labor', quantity: 2, unitPrice: 110, taxable: false },
      ],
    });
    expect(invoice).toMatchObject({ currency: 'USD', total: 258.5, balance: 258.5 });
    const invoiceExt = await externalId('invoice', invoice['invoiceId']);
    expect(await truthOf('invoices', invoiceExt)).toMatchObject({
      job_id: jobExt,
      subtotal: 25_850,
      due_amount: 25_850,
    });
    await expectEvent(String(invoice['invoiceId']), 'invoice.created');

    // payment.record through the web app's invoice screen, read back through the API.
    const payment = await ok('payment.record', {
      invoiceId: invoice['invoiceId'],
      currency: 'USD',
      amount: 258.5,
      method: 'check',
      checkNumber: '5150',
      memo: 'Paid on completion',
    });
    expect(payment).toMatchObject({ status: 'captured', amountApplied: 258.5, balanceRemaining: 0 });
    expect(await truthOf('invoices', invoiceExt)).toMatchObject({ status: 'paid', due_amount: 0 });
    await expectEvent(String(payment['paymentId']), 'payment.created');

    const completed = await ok('job.status.update', { jobId: job['jobId'], status: 'completed' });
    expect(completed['status']).toBe('completed');
    expect(String((await truthOf('jobs', jobExt))?.['work_status'])).toMatch(/^complete/);

    // quote.create → quote.convert: the estimate, then its approval copied to a new job.
    const quote = await ok('quote.create', {
      customerId: client['customerId'],
      title: 'Tankless upgrade',
      currency: 'USD',
      lineItems: [{ name: 'Tankless heater', description: 'Installed', quantity: 1, unitPrice: 3200 }],
    });
    expect(quote).toMatchObject({ currency: 'USD', total: 3200 });
    const estimateExt = await externalId('estimate', quote['estimateId']);
    expect(await truthOf('estimates', estimateExt)).toMatchObject({ customer: { id: customerExt } });
    await expectEvent(String(quote['estimateId']), 'estimate.created');
    const converted = await ok('quote.convert', { estimateId: quote['estimateId'] });
    const newJobExt = await externalId('job', converted['jobId']);
    expect(await truthOf('jobs', newJobExt)).toMatchObject({ original_estimate_id: estimateExt });
    await expectEvent(String(converted['jobId']), 'job.created');
    await expectEvent(String(quote['estimateId']), 'estimate.approved');
  });

  it.each([
    ['client.create', 'natural key'],
    ['job.create', 'marker'],
  ] as const)(
    '%s 5 times under one key (%s) → one vendor record, succeeded once and replayed 4 times',
    async (type, _key) => {
      const run = Date.now();
      // job.create books at a customer of this run (a generated one may be marked do-not-service).
      const owner =
        type === 'job.create'
          ? await ok('client.create', {
              displayName: `Jay Idem${String(run)}`,
              primaryContact: { name: `Jay Idem${String(run)}`, email: `jay.${String(run)}@example.com` },
              billingAddress: address('200 Idempotency Way'),
            })
          : undefined;
      const payload =
        type === 'client.create'
          ? {
              displayName: `Ida Idem${String(run)}`,
              primaryContact: { name: `Ida Idem${String(run)}`, email: `ida.${String(run)}@example.com` },
              billingAddress: address('100 Idempotency Way'),
            }
          : {
              customerId: owner?.['customerId'],
              locationId: (owner?.['locationIds'] as string[] | undefined)?.[0],
              title: `Idempotent job ${String(run)}`,
            };
      const truth = type === 'client.create' ? 'customers' : 'jobs';
      const before = (await world.groundTruth(VENDOR, truth)).length;
      const key = `idem-hcp-${type}-${String(run)}`;
      const sends = Array.from({ length: 5 }, () => world.command(VENDOR, type, payload, key));
      await Promise.all(sends.map((c) => world.publish(c)));
      const results = await world.resultsFor(sends.map((c) => c.commandId));
      for (const r of results) commandResultSchema.parse(r);
      expect(results.filter((r) => r.status === 'succeeded' && !r.replayed)).toHaveLength(1);
      expect(results.filter((r) => r.status === 'succeeded' && r.replayed === true)).toHaveLength(4);
      const first = results.find((r) => !r.replayed) as CommandResult;
      for (const r of results) expect(r.result).toEqual(first.result);
      expect((await world.groundTruth(VENDOR, truth)).length).toBe(before + 1);
    },
  );
});
