import { commandResultSchema, type CommandResult } from '@fieldsync/canonical-model';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Total Office Manager through the writer PROCESS, everything real around it (the sandbox's TOM portal and
 * its entry forms, the session manager's Chromium sign-in, the extractor's scraped backfill of the canonical
 * store the commands refer to, NATS, Postgres):
 *  - every TOM command end to end: published → the sandbox's ground truth changed → a `succeeded` result
 *    that parses → the change events of the records it made;
 *  - a payment or an invoice dated in a closed accounting period → `period_locked` naming the date field,
 *    nothing written; a field TOM cannot carry → `unsupported` naming it;
 *  - five sends of one idempotency key → one work order at TOM.
 */

jest.setTimeout(600_000);

type Row = { key: string; fields: Record<string, string>; lines?: Record<string, string>[] };
const VENDOR = 'tom' as const;

describe('writer: Total Office Manager commands end to end through its forms', () => {
  let world: WriterWorld;
  let technicianIds: string[];
  let jobType: string;
  let item: { id: string; price: number };

  beforeAll(async () => {
    world = await startWriterWorld({
      name: 'tomwrite',
      vendors: [VENDOR],
      sandboxSize: '300',
      extractorEnv: {
        EXTRACTOR_STREAM_INTERVALS:
          'customers=2s,jobs=2s,workorders=2s,invoices=2s,payments=2s,employees=2s,items=2s',
      },
    });
    technicianIds = (await world.stored(VENDOR, 'technician'))
      .filter((t) => t.document['role'] === 'technician' && t.document['active'] === true)
      .map((t) => t.id);
    jobType = String((await world.stored(VENDOR, 'job'))[0]?.document['jobType']);
    const stocked = (await world.stored(VENDOR, 'pricebook_item')).find(
      (i) => i.document['active'] === true && i.document['kind'] === 'service',
    );
    if (!stocked) throw new Error('no active TOM service item stored');
    item = { id: stocked.id, price: Number(stocked.document['price']) };
  });

  afterAll(async () => {
    await world?.close();
  });

  const truth = async (entity: string): Promise<Row[]> =>
    (await world.groundTruth(VENDOR, entity)) as unknown as Row[];

  async function run(command: ReturnType<WriterWorld['command']>): Promise<Record<string, unknown>> {
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    expect([command.type, result?.status, result?.error]).toEqual([command.type, 'succeeded', undefined]);
    commandResultSchema.parse(result);
    return (result as CommandResult).result ?? {};
  }

  async function refused(command: ReturnType<WriterWorld['command']>): Promise<CommandResult> {
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    return result as CommandResult;
  }

  it('runs every command: TOM changes, the result parses, the change events follow', async () => {
    const writer = await world.startWriter();
    const start = new Date(Date.now() + 4 * 86_400_000);
    start.setUTCHours(15, 0, 0, 0);

    const client = await run(
      world.command(VENDOR, 'client.create', {
        displayName: 'Writer Tom',
        type: 'commercial',
        primaryContact: { name: 'Writer Tom', email: 'writer.tom@example.com', phone: '(512) 555-0199' },
        billingAddress: {
          line1: '77 Writer Way',
          line2: null,
          city: 'Austin',
          region: 'TX',
          postalCode: '78701',
          country: 'US',
          geo: null,
        },
        notes: 'Gate code 4242',
      }),
    );
    const customers = await truth('customers');
    const made = customers.find((c) => c.fields['Customer'] === 'Writer Tom');
    expect(made?.fields['Memo']).toMatch(/^Gate code 4242\nfieldsync:[0-9a-f]{24}$/);
    const locationId = (client['locationIds'] as string[])[0];
    expect(locationId).toBeDefined();

    const job = await run(
      world.command(VENDOR, 'job.create', {
        customerId: client['customerId'],
        locationId,
        title: 'Writer Tom no heat',
        jobType,
        priority: 'high',
        appointment: { scheduledStart: start.toISOString(), durationMinutes: 90 },
        technicianIds: technicianIds.slice(0, 1),
        notes: 'Call on arrival',
      }),
    );
    const number = String(job['number']);
    const workOrder = (await truth('workorders')).find((w) => w.key === number);
    expect(workOrder?.fields).toMatchObject({
      Description: 'Writer Tom no heat',
      Priority: 'High',
      'Duration (min)': '90',
      Notes: 'Call on arrival',
    });
    expect(workOrder?.fields['User Defined 1']).toMatch(/fieldsync:[0-9a-f]{24}/);

    const later = new Date(start.getTime() + 2 * 3_600_000).toISOString();
    const dispatched = await run(
      world.command(VENDOR, 'job.dispatch', {
        jobId: job['jobId'],
        technicians: { mode: 'replace', technicianIds: technicianIds.slice(1, 3) },
        window: { scheduledStart: later, durationMinutes: 60 },
      }),
    );
    expect(dispatched).toMatchObject({ scheduledStart: later, technicianIds: technicianIds.slice(1, 3) });
    expect((await truth('workorders')).find((w) => w.key === number)?.fields['Status']).toBe('Dispatched');

    const status = await run(
      world.command(VENDOR, 'job.status.update', { jobId: job['jobId'], status: 'completed' }),
    );
    expect(status).toMatchObject({ status: 'completed', vendorStatus: 'Completed' });

    const invoice = await run(
      world.command(VENDOR, 'invoice.create', {
        jobId: job['jobId'],
        currency: 'USD',
        lineItems: [
          { pricebookItemId: item.id, description: 'Diagnostic', quantity: 2, unitPrice: item.price },
        ],
        memo: 'Thank you',
      }),
    );
    const inv = (await truth('invoices')).find((i) => i.key === invoice['number']);
    expect(inv?.lines?.map((l) => l['Qty'])).toEqual(['2']);
    expect(inv?.fields['Memo']).toMatch(/^Thank you\nfieldsync:/);

    const payment = await run(
      world.command(VENDOR, 'payment.record', {
        invoiceId: invoice['invoiceId'],
        currency: 'USD',
        amount: 10,
        method: 'check',
        checkNumber: '2201',
      }),
    );
    expect(payment).toMatchObject({ status: 'captured', amountApplied: 10 });
    expect(
      (await truth('payments')).some(
        (p) => p.fields['Reference'] === '2201' && p.fields['Amount'] === '$10.00',
      ),
    ).toBe(true);

    const events = await world.events();
    for (const [type, subject] of [
      ['customer.created', client['customerId']],
      ['job.created', job['jobId']],
      ['invoice.created', invoice['invoiceId']],
      ['payment.created', payment['paymentId']],
    ] as const) {
      expect([type, events.some((e) => e.type === type && e.subject === subject)]).toEqual([type, true]);
    }
    await writer.service.stop();
  });

  it('refuses a payment or an invoice dated in a closed accounting period (period_locked, the date field named), and what TOM cannot carry (unsupported, by name)', async () => {
    const writer = await world.startWriter();
    const [invoice] = await world.stored(VENDOR, 'invoice');
    const [job] = await world.stored(VENDOR, 'job');
    if (!invoice || !job) throw new Error('no invoice or job stored');
    const paymentsBefore = (await truth('payments')).length;
    const invoicesBefore = (await truth('invoices')).length;
    const closed = new Date(Date.now() - 120 * 86_400_000).toISOString();
    const payment = await refused(
      world.command(VENDOR, 'payment.record', {
        invoiceId: invoice.id,
        currency: 'USD',
        amount: 1,
        method: 'cash',
        collectedAt: closed,
      }),
    );
    expect([payment.status, payment.error?.code, payment.error?.field]).toEqual([
      'rejected',
      'period_locked',
      'payload.collectedAt',
    ]);
    const billed = await refused(
      world.command(VENDOR, 'invoice.create', {
        jobId: job.id,
        currency: 'USD',
        lineItems: [{ pricebookItemId: item.id, description: 'Late', quantity: 1, unitPrice: item.price }],
        issuedDate: closed.slice(0, 10),
      }),
    );
    expect([billed.error?.code, billed.error?.field]).toEqual(['period_locked', 'payload.issuedDate']);
    const tip = await refused(
      world.command(VENDOR, 'payment.record', {
        invoiceId: invoice.id,
        currency: 'USD',
        amount: 1,
        tipAmount: 2,
        method: 'cash',
      }),
    );
    expect([tip.status, tip.error?.code, tip.error?.field]).toEqual([
      'rejected',
      'unsupported',
      'payload.tipAmount',
    ]);
    const card = await refused(
      world.command(VENDOR, 'payment.record', {
        invoiceId: invoice.id,
        currency: 'USD',
        amount: 1,
        method: 'card',
      }),
    );
    expect([card.error?.code, card.error?.field]).toEqual(['unsupported', 'payload.method']);
    expect((await truth('payments')).length).toBe(paymentsBefore);
    expect((await truth('invoices')).length).toBe(invoicesBefore);
    await writer.service.stop();
  });

  it('five sends of one idempotency key → one work order at TOM', async () => {
    const writer = await world.startWriter();
    const [location] = await world.stored(VENDOR, 'location');
    if (!location) throw new Error('no location stored');
    const before = (await truth('workorders')).length;
    const payload = {
      customerId: String(location.document['customerId']),
      locationId: location.id,
      title: 'Five sends',
      jobType,
      appointment: {
        scheduledStart: new Date(Date.now() + 6 * 86_400_000).toISOString(),
        durationMinutes: 60,
      },
    };
    const key = `five-${String(Date.now())}`;
    const commands = Array.from({ length: 5 }, () => world.command(VENDOR, 'job.create', payload, key));
    for (const command of commands) await world.publish(command);
    const results = await world.resultsFor(commands.map((c) => c.commandId));
    expect(results.map((r) => [r.status, r.error?.message])).toEqual(Array(5).fill(['succeeded', undefined]));
    // The same result every time (compared as objects: a replayed result comes back from jsonb in its key order).
    expect(results.map((r) => r.result)).toEqual(Array(5).fill(results[0]?.result));
    expect((await truth('workorders')).length).toBe(before + 1);
    await writer.service.stop();
  });
});
