import { commandResultSchema, type CommandResult } from '@fieldsync/canonical-model';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Workiz through the writer PROCESS, everything real around it (the sandbox's Workiz portal, the session
 * manager's Chromium login, the extractor's backfill of the canonical store the commands refer to, NATS,
 * Postgres):
 *  - every Workiz command end to end: published → the sandbox's ground truth changed → a `succeeded`
 *    result that parses → the change events of the records it made;
 *  - five sends of one idempotency key → one lead at Workiz;
 *  - the writer SIGKILLed right after Workiz accepted a write, 30 times over → every command completed
 *    by the next writer from the marker (lead, job, payment) or the natural key (invoice): 0 duplicates.
 */

jest.setTimeout(900_000);

type Row = Record<string, unknown>;
const CRASHES = 30;

describe('writer: Workiz commands end to end, idempotent, exactly once across crashes', () => {
  let world: WriterWorld;
  let customer: { id: string; locationId: string };
  let technicianIds: string[];

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'workiz', vendors: ['workiz'], sandboxSize: '300' });
    const [c] = await world.stored('workiz', 'customer');
    if (!c) throw new Error('no Workiz client stored');
    customer = { id: c.id, locationId: String(c.document['defaultLocationId']) };
    technicianIds = (await world.stored('workiz', 'technician'))
      .filter((t) => t.document['role'] === 'technician' && t.document['active'] === true)
      .map((t) => t.id);
  });

  afterAll(async () => {
    await world?.close();
  });

  const truth = (entity: string): Promise<Row[]> => world.groundTruth('workiz', entity);

  async function run(command: ReturnType<WriterWorld['command']>): Promise<Record<string, unknown>> {
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    expect([command.type, result?.status, result?.error]).toEqual([command.type, 'succeeded', undefined]);
    commandResultSchema.parse(result);
    return (result as CommandResult).result ?? {};
  }

  it('runs every command: the vendor changes, the result parses, the change events follow', async () => {
    const writer = await world.startWriter();
    const start = new Date(Date.now() + 4 * 86_400_000);
    start.setUTCHours(15, 0, 0, 0);

    const client = await run(
      world.command('workiz', 'client.create', {
        displayName: 'Writer Workiz',
        firstName: 'Writer',
        lastName: 'Workiz',
        primaryContact: { name: 'Writer Workiz', email: 'writer.workiz@example.com' },
        billingAddress: {
          line1: '77 Writer Way',
          line2: null,
          city: 'Austin',
          region: 'TX',
          postalCode: '78701',
          country: 'US',
          geo: null,
        },
      }),
    );
    expect(
      (await truth('clients')).some((c) => c['first_name'] === 'Writer' && c['last_name'] === 'Workiz'),
    ).toBe(true);

    const jobTypes = (await world.stored('workiz', 'job')).map((j) => String(j.document['jobType']));
    const job = await run(
      world.command('workiz', 'job.create', {
        customerId: client['customerId'],
        locationId: (client['locationIds'] as string[])[0],
        title: jobTypes[0],
        jobType: jobTypes[0],
        appointment: { scheduledStart: start.toISOString(), durationMinutes: 120 },
        ...(technicianIds[0] ? { technicianIds: [technicianIds[0]] } : {}),
        allowOverlap: true,
      }),
    );
    const jobUuid = String(job['jobId']);
    expect((await world.stored('workiz', 'job')).some((j) => j.id === jobUuid)).toBe(true);

    if (technicianIds[1]) {
      const dispatched = await run(
        world.command('workiz', 'job.dispatch', {
          jobId: job['jobId'],
          technicians: { mode: 'replace', technicianIds: [technicianIds[1]] },
          allowOverlap: true,
        }),
      );
      expect(dispatched['technicianIds']).toEqual([technicianIds[1]]);
    }
    const status = await run(
      world.command('workiz', 'job.status.update', { jobId: job['jobId'], status: 'en_route' }),
    );
    expect(status).toMatchObject({ status: 'en_route', vendorStatus: 'In progress' });

    const invoice = await run(
      world.command('workiz', 'invoice.create', {
        jobId: job['jobId'],
        currency: 'USD',
        lineItems: [{ name: 'Diagnostic', description: '', quantity: 1, unitPrice: 120, taxable: false }],
      }),
    );
    expect(invoice).toMatchObject({ total: 120, balance: 120 });
    const payment = await run(
      world.command('workiz', 'payment.record', {
        invoiceId: invoice['invoiceId'],
        currency: 'USD',
        amount: 20.5,
        method: 'cash',
        memo: 'Writer e2e',
      }),
    );
    expect(payment).toMatchObject({ amountApplied: 20.5, balanceRemaining: 99.5 });
    const quote = await run(
      world.command('workiz', 'quote.create', {
        customerId: client['customerId'],
        jobId: job['jobId'],
        title: 'Upgrade',
        currency: 'USD',
        lineItems: [{ name: 'Thermostat', description: '', quantity: 2, unitPrice: 149.99 }],
      }),
    );
    expect(quote).toMatchObject({ total: 299.98 });
    const lead = await run(
      world.command('workiz', 'lead.create', {
        firstName: 'Web',
        lastName: 'Form',
        email: 'web.form@example.com',
        address: {
          line1: '5 Form St',
          line2: null,
          city: 'Austin',
          region: 'TX',
          postalCode: '78702',
          country: 'US',
          geo: null,
        },
        jobType: jobTypes[0],
        source: 'Website form',
      }),
    );
    expect((await truth('leads')).some((l) => l['FirstName'] === 'Web' && l['LastName'] === 'Form')).toBe(
      true,
    );

    // One `.created` event per record the writer made, on FSM_EVENTS.
    const made = [
      client['customerId'],
      job['jobId'],
      invoice['invoiceId'],
      payment['paymentId'],
      quote['estimateId'],
      lead['leadId'],
    ] as string[];
    const events = await world.events();
    for (const id of made) {
      expect([id, events.filter((e) => e.subject === id && e.type.endsWith('.created')).length]).toEqual([
        id,
        1,
      ]);
    }
    await writer.service.stop();
  });

  it('five sends of one idempotency key make one lead', async () => {
    const writer = await world.startWriter();
    const before = (await truth('leads')).length;
    const payload = {
      companyName: 'Five Sends LLC',
      phone: '5125550155',
      address: {
        line1: '55 Five St',
        line2: null,
        city: 'Austin',
        region: 'TX',
        postalCode: '78703',
        country: 'US',
        geo: null,
      },
      jobType: (await world.stored('workiz', 'job'))[0]?.document['jobType'],
    };
    const commands = Array.from({ length: 5 }, () =>
      world.command('workiz', 'lead.create', payload, 'five-sends-one-lead'),
    );
    for (const c of commands) await world.publish(c);
    const results = await world.resultsFor(commands.map((c) => c.commandId));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(new Set(results.map((r) => JSON.stringify(r.result))).size).toBe(1);
    expect((await truth('leads')).length).toBe(before + 1);
    await writer.service.stop();
  });

  it(`SIGKILL right after Workiz accepted a write, ${CRASHES} times: 0 duplicate leads, jobs, invoices or payments`, async () => {
    const EXPORTS = { lead: 'leads', job: 'jobs', invoice: 'invoices', payment: 'payments' } as const;
    type Counted = keyof typeof EXPORTS;
    const count = async (): Promise<Record<Counted, number>> => {
      const out = {} as Record<Counted, number>;
      for (const [entity, name] of Object.entries(EXPORTS) as [Counted, string][])
        out[entity] = (await truth(name)).length;
      return out;
    };
    const before = await count();
    const made: Record<Counted, number> = { lead: 0, job: 0, invoice: 0, payment: 0 };
    const env = {
      WRITER_TEST_CRASH_AFTER_VENDOR_WRITE: '1',
      WRITER_ACK_WAIT: '1s',
      WRITER_LEASE: '1s',
      WRITER_IN_FLIGHT_WAIT: '5s',
    };
    const jobType = String((await world.stored('workiz', 'job'))[0]?.document['jobType']);
    const start = new Date(Date.now() + 6 * 86_400_000);
    start.setUTCHours(14, 0, 0, 0);
    const s: { jobId?: string; invoiceId?: string } = {};
    const next = (i: number): { entity: Counted; command: ReturnType<WriterWorld['command']> } => {
      const step = i % 4;
      if (step === 0) {
        return {
          entity: 'lead',
          command: world.command('workiz', 'lead.create', {
            firstName: 'Crash',
            lastName: `Lead ${i}`,
            phone: '5125550199',
            address: {
              line1: `${i} Crash Rd`,
              line2: null,
              city: 'Austin',
              region: 'TX',
              postalCode: '78704',
              country: 'US',
              geo: null,
            },
            jobType,
          }),
        };
      }
      if (step === 1 || !s.jobId) {
        return {
          entity: 'job',
          command: world.command('workiz', 'job.create', {
            customerId: customer.id,
            locationId: customer.locationId,
            title: jobType,
            appointment: {
              scheduledStart: new Date(start.getTime() + i * 3_600_000).toISOString(),
              durationMinutes: 60,
            },
          }),
        };
      }
      if (step === 2 || !s.invoiceId) {
        return {
          entity: 'invoice',
          command: world.command('workiz', 'invoice.create', {
            jobId: s.jobId,
            currency: 'USD',
            lineItems: [{ name: `Crash work ${i}`, description: '', quantity: 1, unitPrice: 100 }],
          }),
        };
      }
      return {
        entity: 'payment',
        command: world.command('workiz', 'payment.record', {
          invoiceId: s.invoiceId,
          currency: 'USD',
          amount: 10,
          method: 'cash',
          memo: `Crash payment ${i}`,
        }),
      };
    };

    let writer = await world.startWriter(env);
    const problems: string[] = [];
    let crashes = 0;
    for (let i = 0; crashes < CRASHES; i += 1) {
      const { entity, command } = next(i);
      await world.publish(command);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        writer.service.exited,
        new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 60_000, undefined))),
      ]).finally(() => clearTimeout(timer));
      if (exit?.signal !== 'SIGKILL') {
        throw new Error(
          `command ${i} (${command.type}): the writer did not crash after the vendor write\n${writer.service.output().slice(-3_000)}`,
        );
      }
      crashes += 1;
      writer = await world.startWriter(env);
      const [result] = await world.resultsFor([command.commandId], 60_000);
      if (result?.status !== 'succeeded') {
        problems.push(`${command.type}: ${result?.status} ${JSON.stringify(result?.error)}`);
        continue;
      }
      made[entity] += 1;
      const data = result.result ?? {};
      if (entity === 'job') {
        s.jobId = data['jobId'] as string;
        s.invoiceId = undefined;
      } else if (entity === 'invoice') s.invoiceId = data['invoiceId'] as string;
    }
    await writer.service.stop();
    expect(problems).toEqual([]);
    const after = await count();
    const added = Object.fromEntries((Object.keys(made) as Counted[]).map((e) => [e, after[e] - before[e]]));
    expect(added).toEqual(made);
    expect(Object.values(made).reduce((n, m) => n + m, 0)).toBe(CRASHES);
  });
});
