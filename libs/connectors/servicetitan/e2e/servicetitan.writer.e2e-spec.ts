import {
  canonicalId,
  commandResultDataSchemas,
  type CommandOf,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  BrowserPool,
  VendorCallError,
  VendorWriteError,
  markerOf,
  withSessionPage,
  type Booking,
  type CapturedSession,
  type CommandHandler,
  type ResolvedRecord,
  type VendorRecord,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import {
  killSpawnedServices,
  sandboxAuthContext,
  startSandbox,
  userOf,
  type PortalHandle,
  type RunningSandbox,
} from '@fieldsync/testing';
import pino from 'pino';
import { servicetitanAuthFlow, servicetitanReadSide, servicetitanWriteSide } from '../src';

/*
 * The ServiceTitan write side against the real sandbox with a real login: every command changes the
 * sandbox's ground truth, returns records the read side's mapper accepts and a result that parses; `find`
 * is null before and the same record after; a double booking is a schedule_conflict; a status the API
 * cannot set is unsupported.
 */

jest.setTimeout(120_000);

type Rec = Extract<VendorRecord, { kind: 'record' }>;
type Row = Record<string, unknown> & { id: number };

const CONNECTION = { tenantId: 'tenant-st-w-e2e', connectionId: 'conn-st-w-e2e' };
const { mapper } = servicetitanReadSide;

/** Calls the vendor again after a 429's Retry-After, as the writer app does by nak'ing the message. */
async function waitingOutRateLimits<R>(call: () => Promise<R>): Promise<R> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const failure = error instanceof VendorCallError ? error.failure : undefined;
      if (failure?.kind !== 'rate_limited') throw error;
      await new Promise((resolve) => setTimeout(resolve, failure.retryAfterMs));
    }
  }
}

interface Handler<T extends CommandType> {
  find(ctx: WriteContext, command: CommandOf<T>): Promise<WriteOutcome<T> | null>;
  execute(ctx: WriteContext, command: CommandOf<T>): Promise<WriteOutcome<T>>;
  bookings(ctx: WriteContext, command: CommandOf<T>): Promise<readonly Booking[]>;
}

/**
 * The command's handler, its calls waiting out rate limits. A retried `execute` first asks `find`, as a
 * redelivered command does in the writer app: the 429 may have come after the write took effect.
 */
function handler<T extends CommandType>(type: T): Handler<T> {
  const h = servicetitanWriteSide.writes[type];
  if (!h) throw new Error(`servicetitanWriteSide has no write for ${type}`);
  const required = <K extends 'find' | 'bookings'>(key: K): NonNullable<CommandHandler<T>[K]> => {
    const fn = h[key];
    if (!fn) throw new Error(`the ${type} handler has no ${key}`);
    return fn.bind(h) as NonNullable<CommandHandler<T>[K]>;
  };
  return {
    find: (ctx, command) => waitingOutRateLimits(() => required('find')(ctx, command)),
    bookings: (ctx, command) => waitingOutRateLimits(() => required('bookings')(ctx, command)),
    execute: async (ctx, command) => {
      let retry = false;
      return waitingOutRateLimits(async () => {
        const found = retry && h.find ? await h.find(ctx, command) : null;
        retry = true;
        return found ?? h.execute(ctx, command);
      });
    },
  };
}

describe('ServiceTitan write side (sandbox, real session)', () => {
  let sandbox: RunningSandbox;
  let st: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  /** The canonical store, in memory: canonical id → record, fed by what the read side and the writes yield. */
  const store = new Map<string, ResolvedRecord>();
  let n = 0;

  const remember = (records: readonly Rec[]): void => {
    for (const r of records) {
      const document = mapper.toCanonical(r, CONNECTION);
      store.set(canonicalId(CONNECTION.connectionId, r.entity, r.externalId), {
        entity: r.entity,
        externalId: r.externalId,
        document,
        raw: r.raw,
      });
    }
  };

  /** The sandbox world runs on its own clock: searches by created time must use the vendor's. */
  let clockOffset = 0;
  const vendorNow = (): Date => new Date(Date.now() + clockOffset);

  function ctx(firstAttemptAt = vendorNow()): WriteContext {
    n += 1;
    const signal = AbortSignal.timeout(30_000);
    return {
      ...CONNECTION,
      vendor: 'servicetitan',
      session,
      logger: pino({ level: 'silent' }),
      signal,
      now: vendorNow,
      marker: markerOf(CONNECTION.tenantId, `idem-${n}-${Date.now()}`),
      firstAttemptAt,
      resolve(id, field) {
        const found = store.get(id);
        if (!found)
          return Promise.reject(new VendorWriteError('not_found', `${field}: unknown ${id}`, { field }));
        return Promise.resolve(found);
      },
      portal: (fn) => withSessionPage(pool, session, fn, signal),
    };
  }

  function command<T extends CommandType>(type: T, payload: CommandOf<T>['payload']): CommandOf<T> {
    return {
      commandId: '01JBX0000000000000000000000',
      idempotencyKey: `idem-${type}`,
      ...CONNECTION,
      requestedAt: new Date().toISOString(),
      type,
      payload,
    } as unknown as CommandOf<T>;
  }

  /** The result parses, the records map, and they join the store. */
  function accept<T extends CommandType>(type: T, out: WriteOutcome<T>): Record<string, unknown> {
    expect(commandResultDataSchemas[type].safeParse(out.result).error).toBeUndefined();
    expect(out.records.length).toBeGreaterThan(0);
    remember(out.records);
    return out.result;
  }

  const truth = async (key: string): Promise<Row[]> =>
    (await st.control<{ data: Row[] }>('GET', `world/export/${key}`)).data;
  const ext = (canonical: unknown): number => Number(store.get(String(canonical))?.externalId);

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_SIZE: '60' });
    st = sandbox.portal('servicetitan');
    pool = new BrowserPool({ maxConcurrent: 1 });
    const admin = await userOf(st, 'st.admin');
    session = await pool.withPage((page) =>
      servicetitanAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: st,
          totpSecret: admin.totpSecret ?? '',
          credentials: {
            ...CONNECTION,
            vendor: 'servicetitan',
            portalUrl: st.url,
            username: 'st.admin',
            password: 'Sandbox!Admin1',
            mfa: { method: 'totp' },
          },
        }),
      ),
    );
    const technicians = servicetitanReadSide.streams.find((s) => s.stream === 'technicians');
    if (!technicians) throw new Error('servicetitanReadSide has no technicians stream');
    const page = await waitingOutRateLimits(() =>
      technicians.readPage({ ...ctx(), now: () => new Date() }, null),
    );
    remember(page.records.filter((r): r is Rec => r.kind === 'record'));
    const latest = Math.max(...(await truth('customers')).map((r) => Date.parse(String(r['modifiedOn']))));
    clockOffset = latest - Date.now();
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  it('carries out each command once, with records the mapper accepts and results that parse', async () => {
    const techs = [...store.entries()].filter(
      ([, r]) => r.entity === 'technician' && (r.raw as Row)['active'],
    );
    const [tech1, tech2] = techs.map(([id]) => id);
    if (tech1 === undefined || tech2 === undefined)
      throw new Error('the sandbox has fewer than 2 technicians');
    const address = {
      line1: '12 Writer Way',
      line2: null,
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      country: 'US',
      geo: null,
    };

    // client.create: null before, the customer after, and find returns the same customer.
    const clientCmd = command('client.create', {
      displayName: `Writer E2E ${Date.now()}`,
      billingAddress: address,
      primaryContact: { name: 'Wanda Writer', email: 'wanda@example.com', phone: '512-555-0100' },
    });
    const c1 = ctx();
    expect(await handler('client.create').find(c1, clientCmd)).toBeNull();
    const client = accept('client.create', await handler('client.create').execute(c1, clientCmd));
    const customerId = ext(client['customerId']);
    expect((await truth('customers')).find((r) => r.id === customerId)?.['name']).toBe(
      clientCmd.payload.displayName,
    );
    expect((await handler('client.create').find(c1, clientCmd))?.result).toEqual(client);

    // job.create with a technician: marker in externalData; find before/after.
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCHours(15, 0, 0, 0);
    const jobCmd = command('job.create', {
      customerId: String(client['customerId']),
      locationId: String((client['locationIds'] as string[])[0]),
      title: 'Writer e2e tune-up',
      appointment: { scheduledStart: start.toISOString(), durationMinutes: 90 },
      technicianIds: [tech1],
    });
    const j1 = ctx();
    expect(await handler('job.create').find(j1, jobCmd)).toBeNull();
    const job = accept('job.create', await handler('job.create').execute(j1, jobCmd));
    expect((await handler('job.create').find(j1, jobCmd))?.result).toEqual(job);
    const jobRow = (await truth('jobs')).find((r) => r.id === ext(job['jobId']));
    expect(jobRow?.['externalData']).toEqual([{ key: 'fieldsync.marker', value: j1.marker }]);
    // The job's own appointment is not a booking of its technician against itself.
    const dispatchOwn = command('job.dispatch', {
      jobId: String(job['jobId']),
      technicians: { mode: 'assign', technicianIds: [tech1] },
      allowOverlap: false,
    });
    expect(await handler('job.dispatch').bookings(ctx(), dispatchOwn)).toEqual([]);

    // A second job at the same time with the same technician: a double booking.
    const other = command('job.create', { ...jobCmd.payload, title: 'Overlapping job', technicianIds: [] });
    const job2 = accept('job.create', await handler('job.create').execute(ctx(), other));
    const clash = command('job.dispatch', {
      jobId: String(job2['jobId']),
      technicians: { mode: 'assign', technicianIds: [tech1] },
      allowOverlap: false,
    });
    const bookings = await handler('job.dispatch').bookings(ctx(), clash);
    expect(bookings).toEqual([
      expect.objectContaining({ technicianId: tech1, appointmentId: job['appointmentId'] }),
    ]);
    await expect(handler('job.dispatch').execute(ctx(), clash)).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { field: 'payload.technicians.technicianIds' },
    });

    // job.dispatch: replace the crew and move the window; assigning twice does not fail.
    const later = new Date(start.getTime() + 4 * 3_600_000);
    const move = command('job.dispatch', {
      jobId: String(job2['jobId']),
      technicians: { mode: 'replace', technicianIds: [tech2] },
      window: { scheduledStart: later.toISOString(), durationMinutes: 60 },
      allowOverlap: false,
    });
    const dispatched = accept('job.dispatch', await handler('job.dispatch').execute(ctx(), move));
    expect(dispatched['technicianIds']).toEqual([tech2]);
    expect(dispatched['scheduledStart']).toBe(later.toISOString());
    accept('job.dispatch', await handler('job.dispatch').execute(ctx(), move));
    const assignments = (await truth('appointment-assignments')).filter(
      (a) => a['appointmentId'] === ext(dispatched['appointmentId']) && a['active'] !== false,
    );
    expect(assignments.map((a) => a['technicianId'])).toEqual([ext(tech2)]);
    expect(
      (await truth('appointments')).find((a) => a.id === ext(dispatched['appointmentId'])),
    ).toMatchObject({
      start: later.toISOString(),
      end: new Date(later.getTime() + 3_600_000).toISOString(),
    });

    // job.status.update: unsupported statuses, then a hold.
    await expect(
      handler('job.status.update').execute(
        ctx(),
        command('job.status.update', { jobId: String(job2['jobId']), status: 'en_route' }),
      ),
    ).rejects.toMatchObject({ code: 'unsupported', details: { field: 'payload.status' } });
    const held = accept(
      'job.status.update',
      await handler('job.status.update').execute(
        ctx(),
        command('job.status.update', {
          jobId: String(job2['jobId']),
          status: 'on_hold',
          reason: 'Waiting on parts',
        }),
      ),
    );
    expect(held['vendorStatus']).toBe('Hold');
    expect((await truth('jobs')).find((r) => r.id === ext(job2['jobId']))?.['jobStatus']).toBe('Hold');

    // quote.create (marker in externalLinks) and quote.convert.
    const quoteCmd = command('quote.create', {
      customerId: String(client['customerId']),
      jobId: String(job['jobId']),
      title: 'Replace condenser',
      currency: 'USD',
      lineItems: [
        { description: 'Condenser', quantity: 1, unitPrice: 2400 },
        { description: 'Labor', quantity: 2.5, unitPrice: 120 },
      ],
    });
    const q1 = ctx();
    expect(await handler('quote.create').find(q1, quoteCmd)).toBeNull();
    const quote = accept('quote.create', await handler('quote.create').execute(q1, quoteCmd));
    expect(quote['total']).toBe(2700);
    expect((await handler('quote.create').find(q1, quoteCmd))?.result).toEqual(quote);
    const sold = accept(
      'quote.convert',
      await handler('quote.convert').execute(
        ctx(),
        command('quote.convert', { estimateId: String(quote['estimateId']) }),
      ),
    );
    expect(sold['jobId']).toBe(job['jobId']);
    expect(
      (await truth('estimates')).find((r) => r.id === ext(quote['estimateId']))?.['status'],
    ).toMatchObject({ name: 'Sold' });
    await expect(
      handler('quote.create').execute(
        ctx(),
        command('quote.create', { ...quoteCmd.payload, jobId: undefined }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'payload.jobId' } });

    // invoice.create: computed totals (6.25% of 48.50 = 3.03 tax) match the vendor's; marker in the summary.
    const invoiceCmd = command('invoice.create', {
      jobId: String(job['jobId']),
      currency: 'USD',
      lineItems: [
        { description: 'Tune-up', quantity: 1, unitPrice: 189.5 },
        { description: 'Filter', quantity: 2, unitPrice: 24.25, taxable: true },
      ],
      discounts: [{ type: 'amount', amount: 10 }],
      // Not the location's tax zone rate (8.25%): the vendor must keep the tax it is given.
      taxes: [{ name: 'Parts tax', ratePercent: 6.25 }],
      memo: 'Thanks!',
    });
    const i1 = ctx();
    expect(await handler('invoice.create').find(i1, invoiceCmd)).toBeNull();
    const invoice = accept('invoice.create', await handler('invoice.create').execute(i1, invoiceCmd));
    expect(invoice['total']).toBe(231.03);
    expect((await handler('invoice.create').find(i1, invoiceCmd))?.result).toEqual(invoice);
    expect((await truth('invoices')).find((r) => r.id === ext(invoice['invoiceId']))).toMatchObject({
      subTotal: '228.00',
      salesTax: '3.03',
      total: '231.03',
    });

    // payment.record: memo carries the marker; the invoice's balance drops.
    const payCmd = command('payment.record', {
      invoiceId: String(invoice['invoiceId']),
      currency: 'USD',
      amount: 100,
      method: 'check',
      checkNumber: '1042',
      memo: 'Deposit',
    });
    const p1 = ctx();
    expect(await handler('payment.record').find(p1, payCmd)).toBeNull();
    const payment = accept('payment.record', await handler('payment.record').execute(p1, payCmd));
    expect(payment).toMatchObject({ amountApplied: 100, balanceRemaining: 131.03 });
    expect((await handler('payment.record').find(p1, payCmd))?.result).toEqual(payment);
    expect((await truth('payments')).find((r) => r.id === ext(payment['paymentId']))?.['memo']).toBe(
      `Deposit\n${p1.marker}`,
    );

    // job.status.update completed, twice (the second finds it done).
    for (let i = 0; i < 2; i += 1) {
      const done = accept(
        'job.status.update',
        await handler('job.status.update').execute(
          ctx(),
          command('job.status.update', { jobId: String(job['jobId']), status: 'completed' }),
        ),
      );
      expect(done['vendorStatus']).toBe('Completed');
    }
    expect((await truth('jobs')).find((r) => r.id === ext(job['jobId']))?.['jobStatus']).toBe('Completed');
  });

  it("carries a job's tags and a line's name to ServiceTitan, and honours the quote's customer", async () => {
    const address = {
      line1: '48 Tagged Trail',
      line2: null,
      city: 'Austin',
      region: 'TX',
      postalCode: '78702',
      country: 'US',
      geo: null,
    };
    const client = accept(
      'client.create',
      await handler('client.create').execute(
        ctx(),
        command('client.create', { displayName: `Tags E2E ${Date.now()}`, billingAddress: address }),
      ),
    );
    const start = new Date(Date.now() + 5 * 86_400_000);
    start.setUTCHours(16, 0, 0, 0);
    const jobPayload = {
      customerId: String(client['customerId']),
      // The location found by the service address: locationId and the address agree.
      locationId: String((client['locationIds'] as string[])[0]),
      serviceAddress: address,
      title: 'Tagged tune-up',
      appointment: { scheduledStart: start.toISOString(), durationMinutes: 60 },
      tags: ['vip', 'Second visit'],
    };

    // job.create with tags: ServiceTitan's job holds the tenant's tag types, and they read back by name.
    const out = await handler('job.create').execute(ctx(), command('job.create', jobPayload));
    const job = accept('job.create', out);
    const tagTypes = (await truth('tag-types')) as (Row & { name: string })[];
    const idOfTag = (name: string) => tagTypes.find((t) => t.name === name)?.id;
    expect((await truth('jobs')).find((r) => r.id === ext(job['jobId']))?.['tagTypeIds']).toEqual([
      idOfTag('VIP'),
      idOfTag('Second visit'),
    ]);
    expect(store.get(String(job['jobId']))?.document).toMatchObject({ tags: ['VIP', 'Second visit'] });

    // A tag the tenant has not set up is refused naming it, and no job is made.
    const customerJobs = async () =>
      (await truth('jobs')).filter((r) => r['customerId'] === ext(client['customerId'])).length;
    expect(await customerJobs()).toBe(1);
    await expect(
      handler('job.create').execute(
        ctx(),
        command('job.create', { ...jobPayload, tags: ['VIP', 'Platinum'] }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'payload.tags[1]' } });
    // A service address that is not the location's is refused too.
    await expect(
      handler('job.create').execute(
        ctx(),
        command('job.create', { ...jobPayload, serviceAddress: { ...address, line1: '1 Elsewhere Rd' } }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'payload.serviceAddress' } });
    expect(await customerJobs()).toBe(1);

    // quote.create: a line's name and description both reach the estimate item; the customer must be the job's.
    const quotePayload = {
      customerId: String(client['customerId']),
      jobId: String(job['jobId']),
      currency: 'USD' as const,
      lineItems: [{ name: 'Condenser', description: '3 ton, installed', quantity: 1, unitPrice: 2400 }],
    };
    const quote = accept(
      'quote.create',
      await handler('quote.create').execute(ctx(), command('quote.create', quotePayload)),
    );
    const estimate = (await truth('estimates')).find((r) => r.id === ext(quote['estimateId']));
    expect((estimate?.['items'] as Row[] | undefined)?.map((i) => i['description'])).toEqual([
      'Condenser\n3 ton, installed',
    ]);
    const someoneElse = canonicalId(
      CONNECTION.connectionId,
      'customer',
      String(ext(client['customerId']) + 1),
    );
    await expect(
      handler('quote.create').execute(
        ctx(),
        command('quote.create', { ...quotePayload, customerId: someoneElse }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'payload.customerId' } });

    // invoice.create: the line's name reaches the invoice item too.
    const invoice = accept(
      'invoice.create',
      await handler('invoice.create').execute(
        ctx(),
        command('invoice.create', {
          jobId: String(job['jobId']),
          currency: 'USD',
          lineItems: [{ name: 'Tune-up', description: 'Spring visit', quantity: 1, unitPrice: 150 }],
        }),
      ),
    );
    const items = (await truth('invoices')).find((r) => r.id === ext(invoice['invoiceId']))?.[
      'items'
    ] as Row[];
    expect(items.map((i) => i['description'])).toEqual(['Tune-up\nSpring visit']);
  });
});
