import {
  canonicalId,
  commandResultDataSchemas,
  entitySchemas,
  type CommandOf,
  type CommandPayload,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  BrowserPool,
  markerOf,
  VendorCallError,
  VendorWriteError,
  withSessionPage,
  type CapturedSession,
  type CommandHandler,
  type ReadPage,
  type StreamReader,
  type VendorRecord,
  type WriteContext,
  type WriteOutcome,
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
import { jobberAuthFlow, jobberReadSide, jobberWriteSide } from '../src';

/*
 * The Jobber write side against the real sandbox process, with a session from the real auth flow: each
 * command changes the sandbox's ground truth, returns records the read side's mapper accepts and a result
 * that parses; `find` is null before the write and returns the same record after it; a double booking shows
 * in `bookings` (how the writer refuses it as schedule_conflict) and, with the overlap allowed, Jobber takes
 * it; a status Jobber cannot set is unsupported. Canonical ids resolve through a small
 * in-memory store filled from the read side (what the writer's canonical store holds).
 */

jest.setTimeout(180_000);

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
type Exported = Record<string, unknown> & { id: string };

const MAP_CTX = { tenantId: 'tenant-w', connectionId: 'conn-jobber-writer' };
const factory = canonicalFactory({ ...MAP_CTX, vendor: 'jobber' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;

describe('Jobber write side (sandbox)', () => {
  let sandbox: RunningSandbox;
  let jobber: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  /** The canonical store of the test: canonical id → the record the read side (or a write) returned. */
  const store = new Map<string, RecordOf>();
  /** The sandbox world's clock (virtual, standing still unless advanced): the vendor's "now". */
  let worldNow = 0;

  const remember = (records: readonly RecordOf[]) => {
    for (const r of records) store.set(canonicalId(MAP_CTX.connectionId, r.entity, r.externalId), r);
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    jobber = sandbox.portal('jobber');
    await jobber.control('POST', 'reset', { world: { seed: 23, size: 60 } });
    worldNow = Date.parse((await jobber.control<{ now: string }>('GET', 'world')).now);
    pool = new BrowserPool({ maxConcurrent: 1 });
    session = await pool.withPage(async (page) =>
      jobberAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: jobber,
          credentials: {
            connectionId: MAP_CTX.connectionId,
            tenantId: MAP_CTX.tenantId,
            vendor: 'jobber',
            portalUrl: jobber.url,
            username: 'office@greenleaf-hvac.example',
            password: 'Sandbox!Office1',
            mfa: { method: 'none' },
          },
        }),
      ),
    );
    for (const name of ['clients', 'jobs', 'users', 'products-and-services', 'invoices']) {
      remember(await readAll(streamOf(name)));
    }
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  const streamOf = (name: string): StreamReader => {
    const found = jobberReadSide.streams.find((s) => s.stream === name);
    if (!found) throw new Error(`no stream ${name}`);
    return found;
  };

  /** Waits out Jobber's cost budget as the writer and the extractor would. */
  async function budgeted<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof VendorCallError) || error.failure.kind !== 'rate_limited') throw error;
        await sleep(error.failure.retryAfterMs);
      }
    }
  }

  async function readAll(reader: StreamReader): Promise<RecordOf[]> {
    const out: RecordOf[] = [];
    let checkpoint: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const from: string | null = checkpoint;
      const page: ReadPage = await budgeted(() => reader.readPage(baseCtx(), from));
      out.push(...page.records.filter((r): r is RecordOf => r.kind === 'record'));
      checkpoint = page.checkpoint;
      if (page.caughtUp) return out;
    }
    throw new Error(`${reader.stream} did not catch up`);
  }

  const baseCtx = () => ({
    tenantId: MAP_CTX.tenantId,
    connectionId: MAP_CTX.connectionId,
    vendor: 'jobber' as const,
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(worldNow),
  });

  function writeCtx(command: { idempotencyKey: string }, firstAttemptAt = new Date(worldNow)): WriteContext {
    const ctx = baseCtx();
    return {
      ...ctx,
      marker: markerOf(MAP_CTX.tenantId, command.idempotencyKey),
      firstAttemptAt,
      resolve(id, field) {
        const record = store.get(id);
        if (!record)
          return Promise.reject(new VendorWriteError('not_found', `${field} is unknown`, { field }));
        return Promise.resolve({
          entity: record.entity,
          externalId: record.externalId,
          document: jobberReadSide.mapper.toCanonical(record, MAP_CTX),
          raw: record.raw,
        });
      },
      portal: (fn) => withSessionPage(pool, session, fn, ctx.signal),
    };
  }

  const command = <T extends CommandType>(type: T, payload: CommandPayload<T>): CommandOf<T> =>
    factory.command(type, payload) as CommandOf<T>;

  /** The write of a command type (every type the tests use has one). */
  function handlerOf<T extends CommandType>(type: T): CommandHandler<T> {
    const write = jobberWriteSide.writes[type] as CommandHandler<T> | undefined;
    if (!write) throw new Error(`no Jobber write for ${type}`);
    return write;
  }
  const execute = <T extends CommandType>(cmd: CommandOf<T>) =>
    budgeted(() => handlerOf(cmd.type).execute(writeCtx(cmd), cmd));
  const bookings = <T extends CommandType>(cmd: CommandOf<T>) => {
    const { bookings: of } = handlerOf(cmd.type);
    if (!of) throw new Error(`no bookings for ${cmd.type}`);
    return budgeted(() => of(writeCtx(cmd), cmd));
  };

  /** find (null), execute, find again (the same records): what the writer does on a first attempt and a retry. */
  async function run<T extends CommandType>(cmd: CommandOf<T>): Promise<WriteOutcome<T>> {
    const handler = handlerOf(cmd.type);
    const find = handler.find?.bind(handler);
    const ctx = writeCtx(cmd);
    if (find) expect(await budgeted(() => find(ctx, cmd))).toBeNull();
    const outcome = await budgeted(() => handler.execute(ctx, cmd));
    expect(commandResultDataSchemas[cmd.type].safeParse(outcome.result).error).toBeUndefined();
    for (const record of outcome.records) {
      const canonical = jobberReadSide.mapper.toCanonical(record, MAP_CTX);
      expect(entitySchemas[record.entity].safeParse(canonical).error).toBeUndefined();
    }
    remember(outcome.records);
    if (find) {
      const again = await budgeted(() => find(ctx, cmd));
      expect(again?.result).toEqual(outcome.result);
      expect(again?.records[0]?.externalId).toBe(outcome.records[0]?.externalId);
    }
    return outcome;
  }

  async function exported(entity: string): Promise<Map<string, Exported>> {
    const body = await jobber.control<{ data: Exported[] }>('GET', `world/export/${entity}`);
    return new Map(body.data.map((o) => [o.id, o]));
  }
  const externalOf = (id: unknown): string => {
    const found = store.get(id as string);
    if (!found) throw new Error(`not in the store: ${String(id)}`);
    return found.externalId;
  };

  /** Technicians: users that are on some visit (the account owner and office staff are not). */
  function technicians(): string[] {
    const users = new Set<string>();
    for (const r of store.values()) {
      if (r.entity !== 'appointment') continue;
      const visit = r.raw as { assignedUsers: { nodes: { id: string }[] } };
      for (const u of visit.assignedUsers.nodes)
        users.add(canonicalId(MAP_CTX.connectionId, 'technician', u.id));
    }
    return [...users].sort();
  }

  // Far from the generated schedule, so the crews are free unless a test books them.
  const at = (hours: number) =>
    new Date(Math.floor(worldNow / DAY) * DAY + 200 * DAY + hours * 3_600_000).toISOString();

  const created: {
    customerId?: string;
    jobId?: string;
    job2Id?: string;
    estimateId?: string;
    invoiceId?: string;
  } = {};

  it('client.create makes a client with its properties', async () => {
    const outcome = await run(
      command('client.create', {
        displayName: 'Wren Castellano',
        firstName: 'Wren',
        lastName: 'Castellano',
        type: 'residential',
        primaryContact: {
          name: 'Wren Castellano',
          email: 'wren.castellano@example.com',
          phone: '512-555-0199',
        },
        billingAddress: {
          line1: '12 Juniper Row',
          line2: null,
          city: 'Austin',
          region: 'TX',
          postalCode: '78701',
          country: 'US',
          geo: null,
        },
        locations: [
          {
            address: {
              line1: '90 Cedar Bend',
              line2: null,
              city: 'Austin',
              region: 'TX',
              postalCode: '78702',
              country: 'US',
              geo: null,
            },
          },
        ],
      }),
    );
    created.customerId = outcome.result.customerId as string;
    const clients = await exported('clients');
    expect(clients.get(externalOf(created.customerId))).toMatchObject({
      name: 'Wren Castellano',
      emails: [expect.objectContaining({ address: 'wren.castellano@example.com' })],
    });
    const properties = await exported('properties');
    const streets = (outcome.result.locationIds as string[]).map(
      (id) => (properties.get(externalOf(id))?.['address'] as { street1: string }).street1,
    );
    expect(streets.sort()).toEqual(['12 Juniper Row', '90 Cedar Bend']);
  });

  it("client.create carries the client's tags to Jobber (clientEdit), once", async () => {
    const cmd = command('client.create', {
      displayName: 'Ines Okafor',
      primaryContact: { name: 'Ines Okafor', email: 'ines.okafor@example.com' },
      billingAddress: {
        line1: '3 Live Oak Ln',
        line2: null,
        city: 'Austin',
        region: 'TX',
        postalCode: '78704',
        country: 'US',
        geo: null,
      },
      tags: ['Maintenance plan', 'Referral'],
    });
    const outcome = await run(cmd);
    const client = (await exported('clients')).get(externalOf(outcome.result.customerId));
    expect(client?.['name']).toBe('Ines Okafor');
    expect((client?.['tags'] as { nodes: { label: string }[] }).nodes.map((t) => t.label)).toEqual([
      'Maintenance plan',
      'Referral',
    ]);
    // What the write read back maps to the tags the sandbox holds.
    const customer = jobberReadSide.mapper.toCanonical(outcome.records[0] as RecordOf, MAP_CTX);
    expect(customer).toMatchObject({ tags: ['Maintenance plan', 'Referral'] });
  });

  it('job.create makes a scheduled job at a service address, once', async () => {
    const [tech] = technicians();
    const cmd = command('job.create', {
      customerId: created.customerId as string,
      serviceAddress: {
        line1: '90 Cedar Bend',
        line2: null,
        city: 'Austin',
        region: 'TX',
        postalCode: '78702',
        country: 'US',
        geo: null,
      },
      title: 'Heat pump install',
      description: 'Side gate code 4411',
      appointment: { scheduledStart: at(15), scheduledEnd: at(17) },
      technicianIds: [tech as string],
    });
    const outcome = await run(cmd);
    created.jobId = outcome.result.jobId as string;
    const job = (await exported('jobs')).get(externalOf(created.jobId));
    expect(job).toMatchObject({ title: 'Heat pump install', startAt: expect.any(String) as unknown });
    expect(job?.['instructions']).toBe(
      `Side gate code 4411\n${markerOf(MAP_CTX.tenantId, cmd.idempotencyKey)}`,
    );
    // The existing property at that address was used, not a second one.
    const properties = [...(await exported('properties')).values()].filter(
      (p) => (p['address'] as { street1: string }).street1 === '90 Cedar Bend',
    );
    expect(properties).toHaveLength(1);
    // The technician is now booked in that window: another command's bookings see it.
    const other = command('job.create', {
      customerId: created.customerId as string,
      locationId: canonicalId(MAP_CTX.connectionId, 'location', properties[0]?.id as string),
      title: 'Second opinion',
      appointment: { scheduledStart: at(16), durationMinutes: 30 },
      technicianIds: [tech as string],
    });
    expect(await bookings(other)).toEqual([
      expect.objectContaining({ technicianId: tech, appointmentId: outcome.result.appointmentId }),
    ]);
  });

  it('job.dispatch moves the visit and replaces the crew; bookings report a double booking, which Jobber accepts when allowed', async () => {
    const [first, second] = technicians();
    const dispatch = command('job.dispatch', {
      jobId: created.jobId as string,
      technicians: { mode: 'replace', technicianIds: [second as string] },
      window: { scheduledStart: at(18), scheduledEnd: at(20) },
      allowOverlap: false,
    });
    const outcome = await run(dispatch);
    expect(outcome.result.technicianIds).toEqual([second]);
    expect(Date.parse(outcome.result.scheduledStart as string)).toBe(Date.parse(at(18)));
    expect(Date.parse(outcome.result.scheduledEnd as string)).toBe(Date.parse(at(20)));
    const visit = (await exported('visits')).get(externalOf(outcome.result.appointmentId));
    expect(Date.parse(visit?.['startAt'] as string)).toBe(Date.parse(at(18)));
    // Applying it again changes nothing (naturally idempotent).
    const again = await execute(dispatch);
    expect(again.result).toEqual(outcome.result);

    // A second job, then the first job's technician onto it in the same window.
    const { locationId } = jobberReadSide.mapper.toCanonical(
      store.get(created.jobId as string) as RecordOf,
      MAP_CTX,
    ) as { locationId: string };
    const job2 = await run(
      command('job.create', {
        customerId: created.customerId as string,
        locationId,
        title: 'Duct cleaning',
        appointment: { scheduledStart: at(30), scheduledEnd: at(31) },
      }),
    );
    created.job2Id = job2.result.jobId as string;
    const clash = command('job.dispatch', {
      jobId: created.job2Id,
      technicians: { mode: 'assign', technicianIds: [second as string] },
      window: { scheduledStart: at(19), scheduledEnd: at(21) },
      allowOverlap: false,
    });
    // The fresh read the writer checks before sending: the technician's visit at 18–20 clashes with 19–21.
    // Jobber itself would take the overlap, so this is where fieldsync refuses it (schedule_conflict).
    const booked = await bookings(clash);
    expect(booked.map((b) => ({ ...b, start: Date.parse(b.start), end: Date.parse(b.end) }))).toEqual([
      {
        technicianId: second,
        appointmentId: outcome.result.appointmentId,
        start: Date.parse(at(18)),
        end: Date.parse(at(20)),
      },
    ]);
    const job2Visit = externalOf(job2.result.appointmentId);
    expect(Date.parse((await exported('visits')).get(job2Visit)?.['startAt'] as string)).toBe(
      Date.parse(at(30)),
    );

    // With the overlap allowed the writer sends it, and Jobber's calendar holds both visits.
    const overlap = command('job.dispatch', {
      jobId: created.job2Id,
      technicians: { mode: 'assign', technicianIds: [second as string] },
      window: { scheduledStart: at(19), scheduledEnd: at(21) },
      allowOverlap: true,
    });
    const accepted = await run(overlap);
    expect(accepted.result).toMatchObject({
      jobId: created.job2Id,
      appointmentId: job2.result.appointmentId,
      technicianIds: [second],
    });
    expect(Date.parse(accepted.result.scheduledStart as string)).toBe(Date.parse(at(19)));
    expect(Date.parse(accepted.result.scheduledEnd as string)).toBe(Date.parse(at(21)));
    expect(Date.parse((await exported('visits')).get(job2Visit)?.['startAt'] as string)).toBe(
      Date.parse(at(19)),
    );
    // Read fresh from Jobber: the technician now holds both visits in the overlapping hour.
    const probe = command('job.create', {
      customerId: created.customerId as string,
      locationId,
      title: 'Probe',
      appointment: { scheduledStart: at(19.5), durationMinutes: 15 },
      technicianIds: [second as string],
    });
    const both = await bookings(probe);
    expect(both.map((b) => [b.technicianId, b.appointmentId]).sort()).toEqual(
      [
        [second, outcome.result.appointmentId],
        [second, job2.result.appointmentId],
      ].sort(),
    );
    expect(first).not.toBe(second);
  });

  it('job.status.update closes a job and refuses a status Jobber cannot set', async () => {
    const hold = command('job.status.update', {
      jobId: created.job2Id as string,
      status: 'on_hold',
      reason: 'parts',
    });
    await expect(execute(hold)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.status' },
    });

    const done = await run(
      command('job.status.update', { jobId: created.jobId as string, status: 'completed' }),
    );
    expect(done.result).toMatchObject({ status: 'completed', vendorStatus: 'requires_invoicing' });
    expect((await exported('jobs')).get(externalOf(created.jobId))?.['completedAt']).not.toBeNull();
  });

  it('quote.create makes a quote on a job with its totals checked; quote.convert makes its job', async () => {
    const noJob = command('quote.create', {
      customerId: created.customerId as string,
      currency: 'USD',
      lineItems: [{ description: 'Filter', quantity: 1, unitPrice: 10 }],
    });
    await expect(execute(noJob)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'payload.jobId' },
    });

    const quote = await run(
      command('quote.create', {
        customerId: created.customerId as string,
        jobId: created.job2Id,
        title: 'Duct cleaning options',
        currency: 'USD',
        lineItems: [
          { name: 'Duct cleaning', description: 'Whole house', quantity: 1, unitPrice: 349 },
          { description: 'Vent sanitizing', quantity: 3, unitPrice: 24.5 },
        ],
      }),
    );
    expect(quote.result).toMatchObject({ currency: 'USD', total: 422.5 });
    created.estimateId = quote.result.estimateId as string;
    const q = (await exported('quotes')).get(externalOf(created.estimateId));
    expect(q?.['title']).toMatch(/^Duct cleaning options\nfieldsync:[0-9a-f]{24}$/);

    const converted = await run(command('quote.convert', { estimateId: created.estimateId }));
    const job = (await exported('jobs')).get(externalOf(converted.result.jobId));
    expect(job?.['quote']).toEqual({ id: externalOf(created.estimateId) });
    expect((await exported('quotes')).get(externalOf(created.estimateId))?.['quoteStatus']).toBe('approved');
  });

  it('invoice.create bills a job and payment.record pays part of it', async () => {
    const invoice = await run(
      command('invoice.create', {
        jobId: created.jobId as string,
        currency: 'USD',
        lineItems: [
          { name: 'Heat pump', description: '3 ton', quantity: 1, unitPrice: 4200 },
          { description: 'Labor', quantity: 6.5, unitPrice: 95 },
        ],
        dueDate: new Date(worldNow + 14 * DAY).toISOString().slice(0, 10),
        memo: 'Thank you',
      }),
    );
    created.invoiceId = invoice.result.invoiceId as string;
    const inv = (await exported('invoices')).get(externalOf(created.invoiceId));
    expect(inv?.['amounts']).toMatchObject({ subtotal: 4817.5 });
    expect(invoice.result.total).toBe((inv?.['amounts'] as { total: number }).total);

    const pay = command('payment.record', {
      invoiceId: created.invoiceId,
      currency: 'USD',
      amount: 1000,
      method: 'check',
      checkNumber: '2207',
      memo: 'Deposit',
    });
    const payment = await run(pay);
    expect(payment.result).toMatchObject({
      status: 'captured',
      amountApplied: 1000,
      balanceRemaining: Math.round((invoice.result.total as number) * 100 - 100_000) / 100,
    });
    const record = (await exported('paymentRecords')).get(externalOf(payment.result.paymentId));
    expect(record).toMatchObject({ amount: 1000, paymentType: 'CHEQUE' });
    expect(record?.['details']).toBe(
      `Deposit · Check #2207\n${markerOf(MAP_CTX.tenantId, pay.idempotencyKey)}`,
    );

    const tooMuch = command('payment.record', {
      invoiceId: created.invoiceId,
      currency: 'USD',
      amount: 999_999,
      method: 'cash',
    });
    await expect(execute(tooMuch)).rejects.toMatchObject({
      code: 'vendor_rejected',
      details: { field: 'payload.amount' },
    });
  });
});
