import {
  canonicalId,
  commandResultDataSchemas,
  type CommandOf,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  BrowserPool,
  markerOf,
  uncarriedFields,
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
import { workizAuthFlow, workizReadSide, workizWriteSide } from '../src';

/*
 * Workiz's writes against the real sandbox process, with a session from a real Chromium login: each
 * command changes the vendor (checked in the ground truth), returns its records read back and mapped,
 * and a retry of the same command finds what the first attempt made instead of making it twice (the
 * marker in a job's, lead's or payment's notes; a client by natural key). Refusals name the field.
 */

jest.setTimeout(180_000);

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
type Row = Record<string, unknown>;
const MAP_CTX = { tenantId: 'tenant-w', connectionId: 'conn-workiz-writer' };
const factory = canonicalFactory({ ...MAP_CTX, vendor: 'workiz' });

describe('Workiz writes (against the sandbox)', () => {
  let sandbox: RunningSandbox;
  let workiz: PortalHandle;
  let pool: BrowserPool;
  let session: CapturedSession;
  let worldNow = 0;
  const store = new Map<string, RecordOf>();
  const { writes } = workizWriteSide;

  const baseCtx = () => ({
    tenantId: MAP_CTX.tenantId,
    connectionId: MAP_CTX.connectionId,
    vendor: 'workiz' as const,
    session,
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(worldNow),
  });

  async function syncStreams(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const stream = workizReadSide.streams.find((s) => s.stream === name);
      if (!stream) throw new Error(`no ${name} stream`);
      let checkpoint: string | null = null;
      for (let pages = 0; pages < 200; pages++) {
        const page = await stream.readPage(baseCtx(), checkpoint);
        for (const r of page.records) {
          if (r.kind === 'record') store.set(canonicalId(MAP_CTX.connectionId, r.entity, r.externalId), r);
        }
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
    }
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ SANDBOX_API_LIMITS: 'off' });
    workiz = sandbox.portal('workiz');
    await workiz.control('POST', 'reset', { world: { seed: 31, size: 1500 } });
    worldNow = Date.parse((await workiz.control<{ now: string }>('GET', 'world')).now);
    pool = new BrowserPool({ maxConcurrent: 1 });
    session = await pool.withPage((page) =>
      workizAuthFlow.login(
        sandboxAuthContext({
          page,
          portal: workiz,
          credentials: {
            connectionId: MAP_CTX.connectionId,
            tenantId: MAP_CTX.tenantId,
            vendor: 'workiz',
            portalUrl: workiz.url,
            username: 'admin@workiz.sandbox.example',
            password: 'Sandbox!Admin1',
            mfa: { method: 'none' },
          },
        }),
      ),
    );
    await syncStreams(['team', 'clients', 'jobs', 'invoices']);
  });

  afterAll(async () => {
    await pool?.close();
    await sandbox?.service.stop('SIGTERM');
    await killSpawnedServices();
  });

  function writeCtx(command: { idempotencyKey: string }): WriteContext {
    const ctx = baseCtx();
    return {
      ...ctx,
      marker: markerOf(MAP_CTX.tenantId, command.idempotencyKey),
      // The vendor's clock is the world's: the first attempt a minute before its now.
      firstAttemptAt: new Date(worldNow - 60_000),
      resolve(id, field) {
        const record = store.get(id);
        if (!record)
          return Promise.reject(new VendorWriteError('not_found', `${field} is unknown`, { field }));
        return Promise.resolve({
          entity: record.entity,
          externalId: record.externalId,
          document: workizReadSide.mapper.toCanonical(record, MAP_CTX),
          raw: record.raw,
        });
      },
      portal: (fn) => withSessionPage(pool, session, fn, ctx.signal),
    };
  }

  const exportOf = async (entity: string): Promise<Row[]> =>
    (await workiz.control<{ data: Row[] }>('GET', `world/export/${entity}`)).data;
  const mapped = (r: RecordOf | undefined) =>
    workizReadSide.mapper.toCanonical(r as RecordOf, MAP_CTX) as unknown as Row;
  const writeOf = <T extends CommandType>(type: T) => {
    const w = writes[type];
    if (!w) throw new Error(`no ${type} write`);
    return w;
  };
  const cmd = <T extends CommandType>(type: T, payload: unknown) =>
    factory.command(type, payload as never) as CommandOf<T>;

  /** Records of an entity in the store, as raw rows. */
  const stored = (entity: string) => [...store.entries()].filter(([, r]) => r.entity === entity);
  /** An open job (Submitted) scheduled ahead, with its client, and the team. */
  const used = new Set<string>();
  /** An open job (Submitted) scheduled ahead, not used by another test. */
  function openJob(): { id: string; uuid: string; raw: { job: Row } } {
    for (const [id, r] of stored('job')) {
      const raw = r.raw as { job: Row };
      if (
        !used.has(id) &&
        raw.job['Status'] === 'Submitted' &&
        String(raw.job['JobDateTime']) > new Date(worldNow).toISOString().slice(0, 10)
      ) {
        used.add(id);
        return { id, uuid: r.externalId, raw };
      }
    }
    throw new Error('no open job ahead');
  }
  /** Any live job not used by another test (an invoice can be made on a past job too). */
  function someJob(): { id: string; uuid: string } {
    for (const [id, r] of stored('job')) {
      if (!used.has(id) && (r.raw as { job: Row }).job['Status'] !== 'Canceled') {
        used.add(id);
        return { id, uuid: r.externalId };
      }
    }
    throw new Error('no job');
  }
  const technicians = () =>
    stored('technician')
      .filter(([, r]) => (r.raw as Row)['role'] === 'Technician' && (r.raw as Row)['active'] === true)
      .map(([id, r]) => ({ id, externalId: r.externalId, name: String((r.raw as Row)['name']) }));

  it('lead.create: a lead with the marker in its notes, read back; a retry finds it, not a second lead', async () => {
    const write = writeOf('lead.create');
    const command = cmd('lead.create', {
      firstName: 'Missed',
      lastName: 'Caller',
      phone: '(512) 555-0142',
      email: 'missed.caller@example.com',
      address: {
        line1: '12 Elm St',
        line2: null,
        city: 'Austin',
        region: 'TX',
        postalCode: '78701',
        country: 'US',
        geo: null,
      },
      jobType: 'AC Repair',
      source: 'Phone call',
      requestedStart: new Date(worldNow + 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      summary: 'Missed call at 9:14, AC blowing warm air',
    });
    expect(uncarriedFields(write.carries, command.payload)).toEqual([]);
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const before = (await exportOf('leads')).length;
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['lead.create'].parse(done.result);
    expect(mapped(done.records[0])).toMatchObject({
      id: result.leadId,
      status: 'open',
      firstName: 'Missed',
      lastName: 'Caller',
      source: 'Phone call',
      summary: expect.stringContaining('AC blowing warm air') as unknown,
    });
    const again = await write.find?.(writeCtx(command), command);
    expect(again?.result).toEqual(done.result);
    expect((await exportOf('leads')).length).toBe(before + 1);
    const tagged = cmd('lead.create', { ...command.payload, tags: ['vip'] });
    expect(uncarriedFields(write.carries, tagged.payload)).toEqual(['payload.tags']);
  });

  it('job.dispatch: replaces the crew, assigns and unassigns by full name one at a time; a second assign changes nothing', async () => {
    const write = writeOf('job.dispatch');
    const job = openJob();
    const clear = cmd('job.dispatch', { jobId: job.id, technicians: { mode: 'replace', technicianIds: [] } });
    const cleared = commandResultDataSchemas['job.dispatch'].parse(
      (await write.execute(writeCtx(clear), clear)).result,
    );
    expect(cleared.technicianIds).toEqual([]);
    expect((await exportOf('jobs')).find((j) => j['UUID'] === job.uuid)?.['Team']).toEqual([]);
    const [a, b] = technicians();
    if (!a || !b) throw new Error('two technicians needed');
    const assign = cmd('job.dispatch', {
      jobId: job.id,
      technicians: { mode: 'assign', technicianIds: [a.id, b.id] },
      allowOverlap: true,
    });
    const done = await write.execute(writeCtx(assign), assign);
    const result = commandResultDataSchemas['job.dispatch'].parse(done.result);
    expect(result.technicianIds).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(result.appointmentId).toBe(canonicalId(MAP_CTX.connectionId, 'appointment', job.uuid));
    const again = await write.execute(writeCtx(assign), assign); // "User is already assigned" → done
    expect(again.result).toEqual(done.result);
    const truth = (await exportOf('jobs')).find((j) => j['UUID'] === job.uuid);
    expect(truth?.['Team']).toEqual(expect.arrayContaining([a.name, b.name]));
    const unassign = cmd('job.dispatch', {
      jobId: job.id,
      technicians: { mode: 'unassign', technicianIds: [a.id] },
      allowOverlap: true,
    });
    const after = commandResultDataSchemas['job.dispatch'].parse(
      (await write.execute(writeCtx(unassign), unassign)).result,
    );
    expect(after.technicianIds).not.toContain(a.id);
    expect(after.technicianIds).toContain(b.id);
  });

  it('job.dispatch: a technician renamed since the job was assigned is unassigned by the new name', async () => {
    const write = writeOf('job.dispatch');
    const job = openJob();
    const clear = cmd('job.dispatch', { jobId: job.id, technicians: { mode: 'replace', technicianIds: [] } });
    await write.execute(writeCtx(clear), clear);
    const [tech] = technicians();
    if (!tech) throw new Error('a technician needed');
    const assign = cmd('job.dispatch', {
      jobId: job.id,
      technicians: { mode: 'assign', technicianIds: [tech.id] },
      allowOverlap: true,
    });
    const assigned = await write.execute(writeCtx(assign), assign);
    for (const r of assigned.records) store.set(canonicalId(MAP_CTX.connectionId, r.entity, r.externalId), r);
    const renamed = `${tech.name} Jr`;
    const rename = await fetch(`${workiz.url}/ajaxc/team/update/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: session.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
        ...session.headers,
      },
      body: JSON.stringify({ user_id: Number(tech.externalId), name: renamed }),
    });
    expect(rename.status).toBe(200);
    // The job still shows the old name.
    expect((await exportOf('jobs')).find((j) => j['UUID'] === job.uuid)?.['Team']).toContain(tech.name);
    const unassign = cmd('job.dispatch', {
      jobId: job.id,
      technicians: { mode: 'unassign', technicianIds: [tech.id] },
      allowOverlap: true,
    });
    const result = commandResultDataSchemas['job.dispatch'].parse(
      (await write.execute(writeCtx(unassign), unassign)).result,
    );
    expect(result.technicianIds).not.toContain(tech.id);
    const team = (await exportOf('jobs')).find((j) => j['UUID'] === job.uuid)?.['Team'] as string[];
    expect(team).not.toContain(tech.name);
    expect(team).not.toContain(renamed);
  });

  it('job.status.update: In progress with the sub-status On site, then Done; dispatched is refused by name', async () => {
    const write = writeOf('job.status.update');
    const job = openJob();
    const onSite = cmd('job.status.update', { jobId: job.id, status: 'on_site' });
    const r1 = commandResultDataSchemas['job.status.update'].parse(
      (await write.execute(writeCtx(onSite), onSite)).result,
    );
    expect(r1).toEqual({ jobId: job.id, status: 'on_site', vendorStatus: 'In progress' });
    const truth = (await exportOf('jobs')).find((j) => j['UUID'] === job.uuid);
    expect([truth?.['Status'], truth?.['SubStatus']]).toEqual(['In progress', 'On site']);
    const done = cmd('job.status.update', { jobId: job.id, status: 'completed' });
    const r2 = await write.execute(writeCtx(done), done);
    expect(mapped(r2.records[0])).toMatchObject({ status: 'completed', vendorStatus: 'Done' });
    const dispatched = cmd('job.status.update', { jobId: job.id, status: 'dispatched' });
    await expect(write.execute(writeCtx(dispatched), dispatched)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.status' },
    });
  });

  it('job.create: a job for a client with window and technicians; a retry finds it by its marker', async () => {
    const write = writeOf('job.create');
    const [clientId, client] = stored('customer')[0] ?? [];
    if (!clientId || !client) throw new Error('no client');
    const [tech] = technicians();
    if (!tech) throw new Error('no technician');
    const start = new Date(worldNow + 3 * 86_400_000);
    start.setUTCHours(15, 0, 0, 0);
    const jobType = String((stored('job')[0]?.[1].raw as { job: Row }).job['JobType']);
    const locationId = (workizReadSide.mapper.toCanonical(client, MAP_CTX) as unknown as Row)[
      'defaultLocationId'
    ];
    const command = cmd('job.create', {
      customerId: clientId,
      locationId,
      title: jobType,
      jobType,
      description: 'Annual tune-up',
      appointment: { scheduledStart: start.toISOString().replace('.000Z', 'Z'), durationMinutes: 90 },
      technicianIds: [tech.id],
      allowOverlap: true,
    });
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const before = (await exportOf('jobs')).length;
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['job.create'].parse(done.result);
    expect(mapped(done.records[0])).toMatchObject({
      id: result.jobId,
      customerId: clientId,
      title: jobType,
      scheduledStart: start.toISOString().replace('.000Z', 'Z'),
      scheduledEnd: new Date(start.getTime() + 90 * 60_000).toISOString().replace('.000Z', 'Z'),
      technicianIds: [tech.id],
    });
    expect((await write.find?.(writeCtx(command), command))?.result).toEqual(done.result);
    expect((await exportOf('jobs')).length).toBe(before + 1);
    const priority = cmd('job.create', { ...command.payload, priority: 'high' });
    expect(uncarriedFields(write.carries, priority.payload)).toEqual(['payload.priority']);
  });

  it('payment.record: a check on a job’s only open invoice, with the marker in its note; a retry finds it', async () => {
    const write = writeOf('payment.record');
    const jobs = new Map(stored('job').map(([, r]) => [r.externalId, (r.raw as { job: Row }).job]));
    const invoice = stored('invoice').find(([, r]) => {
      const raw = r.raw as Row;
      const job = jobs.get(String(raw['job_uuid']));
      return (
        Number(raw['amount_due']) > 5 &&
        job !== undefined &&
        Number(job['JobAmountDue']) === Number(raw['amount_due'])
      );
    });
    if (!invoice) throw new Error('no invoice alone with a balance on its job');
    const [invoiceId, record] = invoice;
    const due = Number((record.raw as Row)['amount_due']);
    const command = cmd('payment.record', {
      invoiceId,
      currency: 'USD',
      amount: 5.05,
      method: 'check',
      checkNumber: '1042',
      memo: 'Check at the door',
    });
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['payment.record'].parse(done.result);
    expect(result).toMatchObject({
      invoiceId,
      status: 'captured',
      amountApplied: 5.05,
      balanceRemaining: Math.round(due * 100 - 505) / 100,
    });
    expect(mapped(done.records[0])).toMatchObject({ method: 'check', checkNumber: '1042', amount: 5.05 });
    const payments = await exportOf('payments');
    expect(payments.filter((p) => String(p['note']).includes(writeCtx(command).marker))).toHaveLength(1);
    expect((await write.find?.(writeCtx(command), command))?.result).toEqual(done.result);
    const tip = cmd('payment.record', { ...command.payload, tipAmount: 1 });
    expect(uncarriedFields(write.carries, tip.payload)).toEqual(['payload.tipAmount']);
  });

  it('quote.create: an estimate on a job with the marker in its name, total to the cent; a retry finds it', async () => {
    const write = writeOf('quote.create');
    const job = openJob();
    const customerId = canonicalId(MAP_CTX.connectionId, 'customer', String(job.raw.job['ClientId']));
    const command = cmd('quote.create', {
      customerId,
      jobId: job.id,
      title: 'Replace condenser',
      currency: 'USD',
      lineItems: [
        { name: 'Condenser', description: '', quantity: 1, unitPrice: 1899.99 },
        { name: 'Labor hour', description: 'Labor hour', quantity: 3, unitPrice: 0.1 },
      ],
    });
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['quote.create'].parse(done.result);
    expect(result).toMatchObject({ currency: 'USD', total: 1900.29 });
    expect(mapped(done.records[0])).toMatchObject({
      jobId: job.id,
      customerId,
      total: 1900.29,
      status: 'sent',
    });
    expect((await write.find?.(writeCtx(command), command))?.result).toEqual(done.result);
    const taxed = cmd('quote.create', { ...command.payload, taxes: [{ name: 'State', ratePercent: 6.25 }] });
    expect(uncarriedFields(write.carries, taxed.payload)).toEqual(['payload.taxes']);
  });

  it('invoice.create: the job’s invoice through the web app, subtotal checked; a retry finds it by natural key', async () => {
    const write = writeOf('invoice.create');
    const job = someJob();
    const command = cmd('invoice.create', {
      jobId: job.id,
      currency: 'USD',
      lineItems: [{ name: 'Service call', description: '', quantity: 2, unitPrice: 89.95, taxable: false }],
    });
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const before = (await exportOf('invoices')).length;
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['invoice.create'].parse(done.result);
    expect(result).toMatchObject({ currency: 'USD', total: 179.9, balance: 179.9 });
    expect(mapped(done.records[0])).toMatchObject({ jobId: job.id, subtotal: 179.9, status: 'open' });
    expect((await write.find?.(writeCtx(command), command))?.result).toEqual(done.result);
    expect((await exportOf('invoices')).length).toBe(before + 1);
    const memo = cmd('invoice.create', { ...command.payload, memo: 'Thanks' });
    expect(uncarriedFields(write.carries, memo.payload)).toEqual(['payload.memo']);
  });

  it('client.create: through the web app, with a service location; a retry finds it by natural key', async () => {
    const write = writeOf('client.create');
    const address = {
      line1: '400 Congress Ave',
      line2: null,
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      country: 'US',
      geo: null,
    };
    const command = cmd('client.create', {
      displayName: 'Rosa Diaz',
      firstName: 'Rosa',
      lastName: 'Diaz',
      primaryContact: { name: 'Rosa Diaz', email: 'rosa.diaz@example.com', phone: '5125550188' },
      billingAddress: address,
      locations: [{ name: 'Lake house', address: { ...address, line1: '9 Lakeshore Dr' } }],
    });
    expect(await write.find?.(writeCtx(command), command)).toBeNull();
    const done = await write.execute(writeCtx(command), command);
    const result = commandResultDataSchemas['client.create'].parse(done.result);
    expect(result.locationIds).toHaveLength(1);
    expect(mapped(done.records[0])).toMatchObject({
      displayName: 'Rosa Diaz',
      emails: [{ address: 'rosa.diaz@example.com' }],
    });
    expect((await write.find?.(writeCtx(command), command))?.result).toEqual(done.result);
    const other = cmd('client.create', { ...command.payload, displayName: 'Rosa D.' });
    await expect(write.execute(writeCtx(other), other)).rejects.toMatchObject({
      code: 'unsupported',
      details: { field: 'payload.displayName' },
    });
  });
});
