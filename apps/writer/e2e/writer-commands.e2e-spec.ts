import {
  commandResultSchema,
  type CommandResult,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { expectEventually } from '@fieldsync/testing';
import { sql } from 'kysely';
import { startWriterWorld, type LoggedEvent, type WriterWorld } from './writer-harness.util';

/*
 * Every command, for ServiceTitan and Jobber, through the writer PROCESS against the sandbox: each result
 * is `succeeded` and parses, the sandbox's ground truth shows the change, and FSM_EVENTS carries the change
 * events of exactly the records the command touched. After the extractor has read everything again, each
 * record the writer created still has exactly one `<entity>.created` and no further event (the writer
 * stored what the next poll reads). A dispatch onto a booked technician is `schedule_conflict` naming the
 * technicians and changes nothing; with `allowOverlap` the writer leaves the decision to the vendor: Jobber
 * books the overlap, ServiceTitan's API refuses it (409 → schedule_conflict).
 */

jest.setTimeout(240_000);

const VENDORS = ['servicetitan', 'jobber'] as const;
type Vendor = (typeof VENDORS)[number];
type Row = Record<string, unknown>;

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The sandbox export holding each canonical entity, per vendor. */
const TRUTH: Record<Vendor, Partial<Record<EntityType, string>>> = {
  servicetitan: {
    customer: 'customers',
    location: 'locations',
    job: 'jobs',
    appointment: 'appointments',
    estimate: 'estimates',
    invoice: 'invoices',
    payment: 'payments',
  },
  jobber: {
    customer: 'clients',
    location: 'properties',
    job: 'jobs',
    appointment: 'visits',
    estimate: 'quotes',
    invoice: 'invoices',
    payment: 'paymentRecords',
  },
};

/** The streams the writer's records come back through; polled every 2 s so "the next poll" comes soon. */
const STREAMS: Record<Vendor, readonly string[]> = {
  servicetitan: [
    'customers',
    'locations',
    'contacts',
    'jobs',
    'appointments',
    'appointment-assignments',
    'estimates',
    'invoices',
    'payments',
  ],
  jobber: ['clients', 'properties', 'jobs', 'quotes', 'invoices', 'payment-records'],
};
const ALL_STREAMS = [...new Set(VENDORS.flatMap((v) => STREAMS[v]))];

const address = (line1: string) => ({
  line1,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
});

const ms = (value: unknown): number => Date.parse(String(value));
const str = (value: unknown): string => String(value);

describe('writer: every command through the writer process (sandbox, real services)', () => {
  let world: WriterWorld;
  /** Per vendor: the canonical ids of the records the writer created (checked after the next poll). */
  const created: Record<Vendor, Set<string>> = { servicetitan: new Set(), jobber: new Set() };

  beforeAll(async () => {
    world = await startWriterWorld({
      name: 'cmds',
      extractorEnv: { EXTRACTOR_STREAM_INTERVALS: ALL_STREAMS.map((s) => `${s}=2s`).join(',') },
    });
    await world.startWriter();
  });

  afterAll(async () => {
    await world?.close();
  });

  /** Publishes a command, waits for its one result and checks that it parses. */
  async function send(vendor: Vendor, type: CommandType, payload: unknown): Promise<CommandResult> {
    const command = world.command(vendor, type, payload);
    await world.publish(command);
    const [result] = await world.resultsFor([command.commandId]);
    expect(commandResultSchema.safeParse(result).error).toBeUndefined();
    return result as CommandResult;
  }

  /** A command that must succeed: its result data. */
  async function ok(vendor: Vendor, type: CommandType, payload: unknown): Promise<Row> {
    const result = await send(vendor, type, payload);
    expect({ type, status: result.status, error: result.error }).toEqual({
      type,
      status: 'succeeded',
      error: undefined,
    });
    return result.result as Row;
  }

  /** Every event about `subject` on FSM_EVENTS so far, in stream order. */
  async function history(subject: string): Promise<LoggedEvent[]> {
    return (await world.events()).filter((e) => e.subject === subject);
  }

  /**
   * Waits until the subject's event types are exactly `types` (the outbox relays asynchronously), a run
   * of consecutive `<entity>.updated` counting as one: a dispatch is several vendor calls (unassign,
   * reschedule, assign), and an extractor poll that lands between two of them sees, and announces, the
   * real intermediate state before the writer stores the final one. The run comes back merged: its
   * last object, and the union of its changed fields.
   */
  async function expectHistory(subject: string, types: readonly string[]): Promise<LoggedEvent[]> {
    return expectEventually(
      async () => {
        const merged: LoggedEvent[] = [];
        for (const event of await history(subject)) {
          const last = merged.at(-1);
          if (last && event.type.endsWith('.updated') && last.type === event.type) {
            const fields = new Set([
              ...(last.data?.changedFields ?? []),
              ...(event.data?.changedFields ?? []),
            ]);
            merged[merged.length - 1] = { ...event, data: { ...event.data, changedFields: [...fields] } };
          } else merged.push(event);
        }
        expect(merged.map((e) => e.type)).toEqual(types);
        return merged;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  }

  /** The sandbox's record behind a canonical id (the store maps canonical ids to the vendor's). */
  async function truth(vendor: Vendor, entity: EntityType, id: unknown): Promise<Row> {
    const stored = (await world.stored(vendor, entity)).find((r) => r.id === id);
    if (!stored) throw new Error(`${vendor}: ${entity} ${str(id)} is not in the canonical store`);
    const rows = await world.groundTruth(vendor, TRUTH[vendor][entity] as string);
    const row = rows.find((r) => str(r['id']) === stored.externalId);
    if (!row) throw new Error(`${vendor}: ${entity} ${stored.externalId} is not in the sandbox's export`);
    return row;
  }

  const externalId = async (vendor: Vendor, entity: EntityType, id: unknown): Promise<string> => {
    const stored = (await world.stored(vendor, entity)).find((r) => r.id === id);
    if (!stored) throw new Error(`${vendor}: ${entity} ${str(id)} is not in the canonical store`);
    return stored.externalId;
  };

  /** ServiceTitan's live crew of an appointment, as vendor technician ids. */
  async function stCrew(appointmentExternalId: string): Promise<string[]> {
    const rows = await world.groundTruth('servicetitan', 'appointment-assignments');
    return rows
      .filter((a) => str(a['appointmentId']) === appointmentExternalId && a['active'] !== false)
      .map((a) => str(a['technicianId']))
      .sort();
  }

  /**
   * Two active field technicians of the connection, from the canonical store. ServiceTitan's technicians
   * stream lists only technicians; a Jobber user maps to the technician role whether or not Jobber lets
   * it be crewed (office users are refused), so for Jobber only users the schedule already crews count.
   */
  async function technicians(vendor: Vendor): Promise<[string, string]> {
    const crewed = new Set(
      (await world.stored(vendor, 'appointment')).flatMap((a) => a.document['technicianIds'] as string[]),
    );
    const techs = (await world.stored(vendor, 'technician'))
      .filter((t) => t.document['active'] === true && (vendor === 'servicetitan' || crewed.has(t.id)))
      .map((t) => t.id);
    const [a, b] = techs;
    if (a === undefined || b === undefined)
      throw new Error(`${vendor}: fewer than 2 crewed technicians stored`);
    return [a, b];
  }

  /** Far from the generated schedule (and apart per vendor), so crews are free unless a test books them. */
  const at = (vendor: Vendor, hours: number): string =>
    new Date(
      Math.floor(Date.now() / DAY) * DAY + (vendor === 'jobber' ? 230 : 200) * DAY + hours * HOUR,
    ).toISOString();

  describe.each(VENDORS)('%s', (vendor) => {
    const isSt = vendor === 'servicetitan';
    let customerId: string;
    let locationId: string;

    it('client.create → job.create → job.dispatch → job.status.update → invoice.create → payment.record', async () => {
      const [tech1, tech2] = await technicians(vendor);
      const stamp = Date.now();
      const email = `carla.${stamp}@example.com`;

      // client.create: the customer, its location (and for ServiceTitan the email as a contact).
      const client = await ok(vendor, 'client.create', {
        displayName: `Carla Commands ${stamp}`,
        // A ServiceTitan customer has one name: its write refuses a first and last name (honest commands).
        ...(isSt ? {} : { firstName: 'Carla', lastName: `Commands ${stamp}` }),
        primaryContact: { name: `Carla Commands ${stamp}`, email },
        billingAddress: address('7 Command Court'),
      });
      customerId = str(client['customerId']);
      const locationIds = client['locationIds'] as string[];
      expect(locationIds).toHaveLength(1);
      locationId = str(locationIds[0]);
      const customerRow = await truth(vendor, 'customer', customerId);
      expect(customerRow['name']).toBe(`Carla Commands ${stamp}`);
      if (!isSt) expect(customerRow['emails']).toEqual([expect.objectContaining({ address: email })]);
      const locationRow = await truth(vendor, 'location', locationId);
      expect(locationRow['address']).toMatchObject(
        isSt
          ? { street: '7 Command Court', zip: '78701' }
          : { street1: '7 Command Court', postalCode: '78701' },
      );
      await expectHistory(customerId, ['customer.created']);
      await expectHistory(locationId, ['location.created']);
      created[vendor].add(customerId).add(locationId);
      if (isSt) {
        // ServiceTitan keeps the email as a contact of the customer: one contact, one contact.created.
        const contacts = (await world.stored(vendor, 'contact')).filter(
          (c) => c.document['customerId'] === customerId,
        );
        expect(contacts.map((c) => (c.document['emails'] as { address: string }[])[0]?.address)).toEqual([
          email,
        ]);
        const contactId = str(contacts[0]?.id);
        await expectHistory(contactId, ['contact.created']);
        created[vendor].add(contactId);
      }

      // job.create on the new location with a window and a technician.
      const job = await ok(vendor, 'job.create', {
        customerId,
        locationId,
        title: 'Commands tune-up',
        appointment: { scheduledStart: at(vendor, 15), durationMinutes: 120 },
        technicianIds: [tech1],
      });
      const jobId = str(job['jobId']);
      const appointmentId = str(job['appointmentId']);
      const jobRow = await truth(vendor, 'job', jobId);
      const apptRow = await truth(vendor, 'appointment', appointmentId);
      const customerExt = await externalId(vendor, 'customer', customerId);
      const locationExt = await externalId(vendor, 'location', locationId);
      if (isSt) {
        expect(jobRow).toMatchObject({ customerId: Number(customerExt), locationId: Number(locationExt) });
        expect(jobRow['jobStatus']).toBe('Scheduled');
        expect([ms(apptRow['start']), ms(apptRow['end'])]).toEqual([ms(at(vendor, 15)), ms(at(vendor, 17))]);
        expect(await stCrew(str(apptRow['id']))).toEqual([await externalId(vendor, 'technician', tech1)]);
      } else {
        expect(jobRow).toMatchObject({
          title: 'Commands tune-up',
          client: { id: customerExt },
          property: { id: locationExt },
        });
        expect(apptRow['job']).toEqual({ id: jobRow['id'] });
        expect([ms(apptRow['startAt']), ms(apptRow['endAt'])]).toEqual([
          ms(at(vendor, 15)),
          ms(at(vendor, 17)),
        ]);
      }
      await expectHistory(jobId, ['job.created']);
      await expectHistory(appointmentId, ['appointment.created']);
      expect(
        (await world.stored(vendor, 'appointment')).find((a) => a.id === appointmentId)?.document[
          'technicianIds'
        ],
      ).toEqual([tech1]);
      created[vendor].add(jobId).add(appointmentId);

      // job.dispatch: another technician instead, and the window moved.
      const dispatched = await ok(vendor, 'job.dispatch', {
        jobId,
        technicians: { mode: 'replace', technicianIds: [tech2] },
        window: { scheduledStart: at(vendor, 18), durationMinutes: 60 },
      });
      expect(dispatched).toMatchObject({ jobId, appointmentId, technicianIds: [tech2] });
      expect([ms(dispatched['scheduledStart']), ms(dispatched['scheduledEnd'])]).toEqual([
        ms(at(vendor, 18)),
        ms(at(vendor, 19)),
      ]);
      const moved = await truth(vendor, 'appointment', appointmentId);
      expect(
        isSt ? [ms(moved['start']), ms(moved['end'])] : [ms(moved['startAt']), ms(moved['endAt'])],
      ).toEqual([ms(at(vendor, 18)), ms(at(vendor, 19))]);
      // Jobber's export has no crews (assignedUsers is a connection): its crew is checked by the next poll.
      if (isSt)
        expect(await stCrew(str(moved['id']))).toEqual([await externalId(vendor, 'technician', tech2)]);
      const [, apptUpdated] = await expectHistory(appointmentId, [
        'appointment.created',
        'appointment.updated',
      ]);
      expect(apptUpdated?.data?.changedFields).toEqual(
        expect.arrayContaining(['scheduledStart', 'scheduledEnd', 'technicianIds']),
      );
      expect(apptUpdated?.data?.object).toMatchObject({ technicianIds: [tech2] });
      if (isSt) {
        // A ServiceTitan job carries no schedule: only the appointment changed.
        await expectHistory(jobId, ['job.created']);
      } else {
        // A Jobber job mirrors its visits' window and crew.
        const [, jobUpdated] = await expectHistory(jobId, ['job.created', 'job.updated']);
        expect(jobUpdated?.data?.changedFields).toEqual(
          expect.arrayContaining(['scheduledStart', 'scheduledEnd', 'technicianIds']),
        );
      }

      // job.status.update completed: the job and its visit close.
      const done = await ok(vendor, 'job.status.update', { jobId, status: 'completed' });
      expect(done).toEqual({
        jobId,
        status: 'completed',
        vendorStatus: isSt ? 'Completed' : 'requires_invoicing',
      });
      const closed = await truth(vendor, 'job', jobId);
      if (isSt) expect(closed['jobStatus']).toBe('Completed');
      else expect(closed['jobStatus']).toBe('requires_invoicing');
      expect(closed[isSt ? 'completedOn' : 'completedAt']).not.toBeNull();
      const jobStatusEvents = await expectHistory(
        jobId,
        isSt ? ['job.created', 'job.status_changed'] : ['job.created', 'job.updated', 'job.status_changed'],
      );
      expect(jobStatusEvents.at(-1)?.data?.object).toMatchObject({ status: 'completed' });
      const apptStatusEvents = await expectHistory(appointmentId, [
        'appointment.created',
        'appointment.updated',
        'appointment.status_changed',
      ]);
      expect(apptStatusEvents.at(-1)?.data?.object).toMatchObject({ status: 'completed' });

      // invoice.create on the job: totals computed by the writer and the vendor's agree.
      const invoice = await ok(vendor, 'invoice.create', {
        jobId,
        currency: 'USD',
        lineItems: [
          { description: 'Tune-up', quantity: 1, unitPrice: 189.5 },
          { description: 'Filter', quantity: 2, unitPrice: 24.25, taxable: true },
        ],
        // ServiceTitan keeps the tax it is given (6.25% of 48.50 = 3.03); Jobber applies the property's rate.
        ...(isSt ? { taxes: [{ name: 'Parts tax', ratePercent: 6.25 }] } : {}),
      });
      const invoiceId = str(invoice['invoiceId']);
      const invoiceRow = await truth(vendor, 'invoice', invoiceId);
      if (isSt) {
        expect(invoiceRow).toMatchObject({
          subTotal: '238.00',
          salesTax: '3.03',
          total: '241.03',
          balance: '241.03',
          job: expect.objectContaining({ id: Number(await externalId(vendor, 'job', jobId)) }) as unknown,
        });
        expect(invoice).toMatchObject({ currency: 'USD', total: 241.03, balance: 241.03 });
      } else {
        const amounts = invoiceRow['amounts'] as Row;
        expect(amounts['subtotal']).toBe(238);
        expect(invoice).toMatchObject({
          currency: 'USD',
          total: amounts['total'],
          balance: amounts['invoiceBalance'],
        });
        expect(invoiceRow['client']).toEqual({ id: customerExt });
      }
      await expectHistory(invoiceId, ['invoice.created']);
      created[vendor].add(invoiceId);
      const total = invoice['total'] as number;

      // payment.record on the invoice: part of it, by check.
      const payment = await ok(vendor, 'payment.record', {
        invoiceId,
        currency: 'USD',
        amount: 100,
        method: 'check',
        checkNumber: '1042',
      });
      const paymentId = str(payment['paymentId']);
      const balance = Math.round(total * 100 - 10_000) / 100;
      expect(payment).toMatchObject({ invoiceId, amountApplied: 100, balanceRemaining: balance });
      const paymentRow = await truth(vendor, 'payment', paymentId);
      const invoiceExt = await externalId(vendor, 'invoice', invoiceId);
      const paidInvoice = await truth(vendor, 'invoice', invoiceId);
      if (isSt) {
        expect(paymentRow).toMatchObject({ total: '100.00', checkNumber: '1042' });
        expect(paymentRow['appliedTo']).toEqual([
          expect.objectContaining({ appliedTo: Number(invoiceExt), appliedAmount: '100.00' }),
        ]);
        expect(paidInvoice['balance']).toBe(balance.toFixed(2));
      } else {
        expect(paymentRow).toMatchObject({ amount: 100, paymentType: 'CHEQUE', invoice: { id: invoiceExt } });
        expect((paidInvoice['amounts'] as Row)['invoiceBalance']).toBe(balance);
      }
      await expectHistory(paymentId, ['payment.created']);
      const [, invoicePaid] = await expectHistory(invoiceId, [
        'invoice.created',
        // ServiceTitan's invoice moves from Pending when it is paid; Jobber's draft stays a draft.
        isSt ? 'invoice.status_changed' : 'invoice.updated',
      ]);
      expect(invoicePaid?.data?.changedFields).toEqual(expect.arrayContaining(['amountPaid', 'balance']));
      expect(invoicePaid?.data?.object).toMatchObject({ balance });
      created[vendor].add(paymentId);
    });

    it('quote.create on a job → quote.convert', async () => {
      const job = await ok(vendor, 'job.create', {
        customerId,
        locationId,
        title: 'Quote visit',
        appointment: { scheduledStart: at(vendor, 30), durationMinutes: 60 },
      });
      const jobId = str(job['jobId']);
      await expectHistory(jobId, ['job.created']);
      created[vendor].add(jobId).add(str(job['appointmentId']));

      const quote = await ok(vendor, 'quote.create', {
        customerId,
        jobId,
        title: 'Replace condenser',
        currency: 'USD',
        lineItems: [
          { description: 'Condenser', quantity: 1, unitPrice: 2400 },
          { description: 'Labor', quantity: 2.5, unitPrice: 120 },
        ],
      });
      const estimateId = str(quote['estimateId']);
      expect(quote).toMatchObject({ currency: 'USD', total: 2700 });
      const quoteRow = await truth(vendor, 'estimate', estimateId);
      const jobExt = await externalId(vendor, 'job', jobId);
      if (isSt) {
        expect(quoteRow).toMatchObject({ jobId: Number(jobExt), status: { name: 'Open' } });
        expect((quoteRow['items'] as Row[]).map((i) => i['total'])).toEqual([2400, 300]);
        // The estimate belongs to the job; the job's own record is unchanged.
        await expectHistory(jobId, ['job.created']);
      } else {
        expect(quoteRow).toMatchObject({ amounts: expect.objectContaining({ total: 2700 }) as unknown });
        // A Jobber job links its quote.
        const [, linked] = await expectHistory(jobId, ['job.created', 'job.updated']);
        expect(linked?.data?.changedFields).toEqual(['estimateId']);
      }
      await expectHistory(estimateId, ['estimate.created']);
      created[vendor].add(estimateId);

      const converted = await ok(vendor, 'quote.convert', { estimateId });
      const approvedRow = await truth(vendor, 'estimate', estimateId);
      const [, approved] = await expectHistory(estimateId, ['estimate.created', 'estimate.approved']);
      expect(approved?.data?.changedFields).toEqual(expect.arrayContaining(['status']));
      if (isSt) {
        // ServiceTitan sells the estimate on its job.
        expect(converted).toEqual({ estimateId, jobId });
        expect(approvedRow['status']).toMatchObject({ name: 'Sold' });
      } else {
        // Jobber makes a new job from the approved quote, with its first visit.
        const newJobId = str(converted['jobId']);
        expect(newJobId).not.toBe(jobId);
        expect(approvedRow['quoteStatus']).toBe('approved');
        const newJobRow = await truth(vendor, 'job', newJobId);
        expect(newJobRow['quote']).toEqual({ id: approvedRow['id'] });
        await expectHistory(newJobId, ['job.created']);
        const visits = (await world.stored(vendor, 'appointment')).filter(
          (a) => a.document['jobId'] === newJobId,
        );
        expect(visits).toHaveLength(1);
        await expectHistory(str(visits[0]?.id), ['appointment.created']);
        created[vendor].add(newJobId).add(str(visits[0]?.id));
      }
    });

    it('job.dispatch onto a booked technician: schedule_conflict naming the technicians, nothing changed', async () => {
      // The first flow's first technician: free again since the dispatch replaced them.
      const [tech] = await technicians(vendor);
      // The technician's booking, then an uncrewed job in an overlapping window.
      const booked = await ok(vendor, 'job.create', {
        customerId,
        locationId,
        title: 'Booked visit',
        appointment: { scheduledStart: at(vendor, 40), durationMinutes: 120 },
        technicianIds: [tech],
      });
      const other = await ok(vendor, 'job.create', {
        customerId,
        locationId,
        title: 'Second visit',
        appointment: { scheduledStart: at(vendor, 41), durationMinutes: 60 },
      });
      for (const r of [booked, other]) created[vendor].add(str(r['jobId'])).add(str(r['appointmentId']));
      const otherAppt = str(other['appointmentId']);
      const before = await truth(vendor, 'appointment', otherAppt);
      const eventsBefore = await expectHistory(otherAppt, ['appointment.created']);

      const refused = await send(vendor, 'job.dispatch', {
        jobId: other['jobId'],
        technicians: { mode: 'assign', technicianIds: [tech] },
      });
      expect(refused).toMatchObject({
        status: 'rejected',
        error: { code: 'schedule_conflict', field: 'payload.technicians.technicianIds' },
      });
      // The writer's own check found it (its message names the booking), before the vendor was asked.
      expect(refused.error?.message).toContain(`${tech} is booked on ${str(booked['appointmentId'])}`);
      expect(await truth(vendor, 'appointment', otherAppt)).toEqual(before);
      if (isSt) expect(await stCrew(str(before['id']))).toEqual([]);
      expect(await history(otherAppt)).toEqual(eventsBefore);

      // allowOverlap: the writer skips its own check and asks the vendor.
      const overlapped = await send(vendor, 'job.dispatch', {
        jobId: other['jobId'],
        technicians: { mode: 'assign', technicianIds: [tech] },
        allowOverlap: true,
      });
      if (isSt) {
        // ServiceTitan's API refuses double bookings itself (assign-technicians answers 409): that refusal
        // comes back as schedule_conflict on the technicians, and nothing is written.
        expect(overlapped).toMatchObject({
          status: 'rejected',
          error: { code: 'schedule_conflict', field: 'payload.technicians.technicianIds' },
        });
        expect(overlapped.error?.message).toMatch(/already booked/);
        expect(overlapped.error?.message).not.toContain('is booked on');
        expect(await truth(vendor, 'appointment', otherAppt)).toEqual(before);
        expect(await stCrew(str(before['id']))).toEqual([]);
        expect(await history(otherAppt)).toEqual(eventsBefore);
        return;
      }
      // Jobber's calendar holds overlapping visits (the office decides): the dispatch succeeds and the
      // technician is on both visits in the overlapping hour.
      expect({ status: overlapped.status, error: overlapped.error }).toEqual({
        status: 'succeeded',
        error: undefined,
      });
      const dispatched = overlapped.result as Row;
      expect(dispatched).toMatchObject({
        jobId: other['jobId'],
        appointmentId: otherAppt,
        technicianIds: [tech],
      });
      expect([ms(dispatched['scheduledStart']), ms(dispatched['scheduledEnd'])]).toEqual([
        ms(at(vendor, 41)),
        ms(at(vendor, 42)),
      ]);
      // The visit kept its window (Jobber's export has no crews: the crew is checked in the store below).
      const after = await truth(vendor, 'appointment', otherAppt);
      expect([ms(after['startAt']), ms(after['endAt'])]).toEqual([
        ms(before['startAt']),
        ms(before['endAt']),
      ]);
      const [, apptUpdated] = await expectHistory(otherAppt, ['appointment.created', 'appointment.updated']);
      expect(apptUpdated?.data?.changedFields).toEqual(expect.arrayContaining(['technicianIds']));
      expect(apptUpdated?.data?.changedFields).not.toContain('scheduledStart');
      expect(apptUpdated?.data?.object).toMatchObject({ technicianIds: [tech] });
      const [, jobUpdated] = await expectHistory(str(other['jobId']), ['job.created', 'job.updated']);
      expect(jobUpdated?.data?.changedFields).toEqual(expect.arrayContaining(['technicianIds']));
      // The canonical store: both overlapping visits now crew the technician.
      const crews = Object.fromEntries(
        (await world.stored(vendor, 'appointment'))
          .filter((a) => a.id === otherAppt || a.id === booked['appointmentId'])
          .map((a) => [a.id, a.document['technicianIds']]),
      );
      expect(crews).toEqual({ [otherAppt]: [tech], [str(booked['appointmentId'])]: [tech] });
    });
  });

  it('after the extractor has read everything again: one created event per record the writer made, nothing new', async () => {
    const [{ now }] = (await sql<{ now: Date }>`select now() as now`.execute(world.db)).rows as [
      { now: Date },
    ];
    const snapshot = await world.events();
    // Every stream of both connections ran again, from start to finish, after the last write.
    await expectEventually(
      async () => {
        for (const vendor of VENDORS) {
          const rows = await world.db
            .selectFrom('sync_cursors')
            .select(['entity_type', 'last_run_at', 'last_success_at'])
            .where('connection_id', '=', world.connections[vendor])
            .where('entity_type', 'in', [...STREAMS[vendor]])
            .execute();
          expect(rows.map((r) => r.entity_type).sort()).toEqual([...STREAMS[vendor]].sort());
          const behind = rows.filter(
            (r) =>
              !r.last_run_at ||
              !r.last_success_at ||
              r.last_run_at <= now ||
              r.last_success_at < r.last_run_at,
          );
          expect(behind.map((r) => `${vendor}.${r.entity_type}`)).toEqual([]);
        }
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // The relay publishes what a pass appended shortly after: give it a moment before reading FSM_EVENTS.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const events = await world.events();
    for (const vendor of VENDORS) {
      const ids = [...created[vendor]];
      expect(ids.length).toBeGreaterThan(10);
      const createdCounts = Object.fromEntries(
        ids.map((id) => [id, events.filter((e) => e.subject === id && e.type.endsWith('.created')).length]),
      );
      expect(createdCounts).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      const later = events
        .slice(snapshot.length)
        .filter((e) => created[vendor].has(e.subject))
        .map((e) => ({ type: e.type, subject: e.subject, changedFields: e.data?.changedFields }));
      expect(later).toEqual([]);
    }
  });
});
