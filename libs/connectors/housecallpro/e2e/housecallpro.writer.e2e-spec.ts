import { canonicalId, commandResultDataSchemas, type CommandOf } from '@fieldsync/canonical-model';
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

/*
 * payment.record against the real sandbox through a real Chromium: the v1 API has no payment endpoint,
 * so the write fills the web app's invoice screen form in the WriteContext's portal page, and reads the
 * invoice back through the API. The marker in the payment's note makes a retried command find its
 * payment instead of recording a second one.
 */

jest.setTimeout(120_000);

type RecordOf = Extract<VendorRecord, { kind: 'record' }>;
const MAP_CTX = { tenantId: 'tenant-w', connectionId: 'conn-hcp-writer' };
const factory = canonicalFactory({ ...MAP_CTX, vendor: 'housecallpro' });

describe('Housecall Pro payment.record through the web app (Chromium against the sandbox)', () => {
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
    const invoices = housecallproReadSide.streams.find((s) => s.stream === 'invoices');
    if (!invoices) throw new Error('no invoices stream');
    let checkpoint: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await invoices.readPage(baseCtx(), checkpoint);
      for (const r of page.records) {
        if (r.kind === 'record') store.set(canonicalId(MAP_CTX.connectionId, r.entity, r.externalId), r);
      }
      checkpoint = page.checkpoint;
      if (page.caughtUp) break;
    }
  });

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
});
