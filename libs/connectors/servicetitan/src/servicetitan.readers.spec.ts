import {
  VendorCallError,
  type CapturedSession,
  type StreamReader,
  type SyncContext,
} from '@fieldsync/connector-kit';
import pino from 'pino';
import rows from './__fixtures__/servicetitan-export-rows.json';
import { retryAfterMs } from './servicetitan.client';
import { createServiceTitanReadSide } from './servicetitan.readers';

/* The readers against recorded export rows, with `fetch` replaced: URLs, checkpoints, drift, errors. */

const PORTAL = 'http://st.sandbox.test';
const NOW = new Date('2026-03-03T18:00:00Z');
const session: CapturedSession = {
  vendor: 'servicetitan',
  portalUrl: PORTAL,
  cookies: [
    {
      name: 'st_session',
      value: 'cookie-value',
      domain: 'st.sandbox.test',
      path: '/',
      expires: -1,
      httpOnly: true,
      secure: false,
      sameSite: 'Lax',
    },
  ],
  headers: { 'x-csrf-token': 'csrf-value' },
  user: { id: 'st-admin', name: 'Avery Admin', role: 'Admin', entitlements: [] },
  account: { id: '777', name: 'Tenant 777' },
  establishedAt: NOW.toISOString(),
  expiresAt: NOW.toISOString(),
  deviceCookies: [],
};
const ctx: SyncContext = {
  tenantId: 'tenant-1',
  connectionId: 'conn-st-1',
  vendor: 'servicetitan',
  session,
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => NOW,
};

const readSide = createServiceTitanReadSide();
function stream(name: string): StreamReader {
  const found = readSide.streams.find((s) => s.stream === name);
  if (!found) throw new Error(`no stream ${name}`);
  return found;
}

type Handler = (url: URL, init: RequestInit) => Response;
let calls: { url: URL; headers: Headers }[];

function serve(handler: Handler): void {
  jest.spyOn(globalThis, 'fetch').mockImplementation((input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push({ url, headers: new Headers(init.headers) });
    return Promise.resolve(handler(url, init));
  });
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

beforeEach(() => {
  calls = [];
});
afterEach(() => jest.restoreAllMocks());

describe('ServiceTitan export streams', () => {
  it('calls the tenant the session works in; a session that names none is sent back to log in again', async () => {
    serve(() => json({ hasMore: false, continueFrom: 'token-1', data: [] }));
    await stream('customers').readPage(
      { ...ctx, session: { ...session, account: { id: '31337', name: 'B' } } },
      null,
    );
    expect(calls.map((c) => c.url.pathname)).toEqual([
      '/crm/v2/tenant/31337/customers', // the row count of a pass from the start
      '/crm/v2/tenant/31337/export/customers',
    ]);
    const { account: _account, ...withoutTenant } = session;
    await expect(
      stream('customers').readPage({ ...ctx, session: withoutTenant }, null),
    ).rejects.toMatchObject({
      failure: { kind: 'unauthorized' },
    });
    expect(calls).toHaveLength(2);
  });

  it("a pass from the start reports the feed's row count from its list (includeTotal, active or not)", async () => {
    serve((url) =>
      url.pathname.includes('/export/')
        ? json({ hasMore: true, continueFrom: 'token-2', data: rows.payments })
        : json({ page: 1, pageSize: 1, hasMore: true, totalCount: 4321, data: [] }),
    );
    const first = await stream('payments').readPage(ctx, null);
    expect(first.total).toBe(4321);
    expect(calls[0]?.url.pathname).toBe('/accounting/v2/tenant/777/payments');
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({
      page: '1',
      pageSize: '1',
      includeTotal: 'true',
      active: 'Any',
    });
    // A page from a checkpoint counts nothing.
    const next = await stream('payments').readPage(ctx, 'token-2');
    expect(next.total).toBeUndefined();
    expect(calls).toHaveLength(3);
  });

  it('reads one export batch with the session, from the checkpoint, and returns continueFrom', async () => {
    serve(() => json({ hasMore: true, continueFrom: 'token-2', data: rows.payments }));
    const page = await stream('payments').readPage(ctx, 'token-1');

    expect(calls).toHaveLength(1);
    const call = calls[0];
    expect(call?.url.pathname).toBe('/accounting/v2/tenant/777/export/payments');
    expect(call?.url.searchParams.get('from')).toBe('token-1');
    expect(call?.headers.get('cookie')).toBe('st_session=cookie-value');
    expect(call?.headers.get('x-csrf-token')).toBe('csrf-value');
    expect(page.checkpoint).toBe('token-2');
    expect(page.caughtUp).toBe(false);
    expect(page.records.map((r) => (r.kind === 'record' ? [r.externalId, r.deleted] : null))).toEqual([
      ['160000002', false],
      ['160000004', true],
      ['160000093', false],
    ]);
  });

  it('starts a backfill without `from` and is caught up when the feed has no more', async () => {
    serve(() => json({ hasMore: false, continueFrom: 'token-9', data: [] }));
    const page = await stream('customers').readPage(ctx, null);
    expect(calls[0]?.url.searchParams.has('from')).toBe(false);
    expect(page).toEqual({ records: [], checkpoint: 'token-9', caughtUp: true });
  });

  it('signals deletes only where the vendor means deletion', () => {
    const signals = Object.fromEntries(readSide.streams.map((s) => [s.stream, s.signalsDeletes]));
    expect(signals).toMatchObject({
      contacts: true,
      payments: true,
      technicians: false,
      'pricebook-items': false,
    });
    expect(readSide.streams.find((s) => s.stream === 'jobs')?.intervalMs).toBeLessThan(
      readSide.streams.find((s) => s.stream === 'pricebook-items')?.intervalMs ?? 0,
    );
  });

  it('leaves reconciliation to streams that see their entity whole', () => {
    expect(stream('appointment-assignments').reconciles).toEqual([]);
    expect(stream('appointments').reconciles).toBeUndefined();
    const owners = readSide.streams.filter((s) => !s.signalsDeletes && s.reconciles === undefined);
    expect(owners.map((s) => [s.stream, s.entities])).toEqual([
      ['technicians', ['technician']],
      ['pricebook-items', ['pricebook_item']],
    ]);
  });

  it('reads the three price book feeds as one stream, each from its own continueFrom', async () => {
    const served: Record<string, unknown[]> = {
      services: rows.services,
      materials: rows.materials,
      equipment: rows.equipment,
    };
    serve((url) => {
      const feed = url.pathname.split('/').pop() ?? '';
      const from = url.searchParams.get('from');
      return json({ hasMore: false, continueFrom: `${feed}-2`, data: from === null ? served[feed] : [] });
    });
    const reader = stream('pricebook-items');
    const pages = [];
    let checkpoint: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const page = await reader.readPage(ctx, checkpoint);
      pages.push(page);
      checkpoint = page.checkpoint;
    }
    expect(pages.map((p) => [p.records.length, p.caughtUp])).toEqual([
      [2, false],
      [1, false],
      [1, true],
    ]);
    expect(calls.map((c) => c.url.pathname)).toEqual([
      '/pricebook/v2/tenant/777/export/services',
      '/pricebook/v2/tenant/777/export/materials',
      '/pricebook/v2/tenant/777/export/equipment',
    ]);
    const again = await reader.readPage(ctx, checkpoint);
    expect(calls[3]?.url.searchParams.get('from')).toBe('services-2');
    expect(again).toMatchObject({ records: [], caughtUp: false });
    await expect(reader.readPage(ctx, 'st-token')).rejects.toThrow(/not one of this stream's/);
  });

  it('a renamed field makes that row a drift record with its issues; the other rows still come', async () => {
    const [first, ...others] = rows.customers;
    const { doNotMail, ...rest } = first as Record<string, unknown>;
    serve(() =>
      json({ hasMore: false, continueFrom: 't', data: [{ ...rest, doNotEmail: doNotMail }, ...others] }),
    );
    const page = await stream('customers').readPage(ctx, null);

    const drift = page.records.find((r) => r.kind === 'drift');
    expect(drift).toMatchObject({ entity: 'customer', externalId: String(first?.id) });
    expect(drift?.kind === 'drift' ? drift.issues.map((i) => i.path).sort() : []).toEqual(['', 'doNotMail']);
    expect(page.records.filter((r) => r.kind === 'record')).toHaveLength(others.length);
    for (const r of page.records) {
      if (r.kind === 'record') expect(() => readSide.mapper.toCanonical(r, ctx)).not.toThrow();
    }
  });

  it('attaches the live assignments to each appointment', async () => {
    serve((url) => {
      if (url.pathname.endsWith('/export/appointments')) {
        return json({ hasMore: false, continueFrom: 't', data: rows.appointments });
      }
      if (url.pathname === '/jpm/v2/tenant/777/appointments') {
        return json({ page: 1, pageSize: 1, hasMore: false, totalCount: 2, data: [] });
      }
      expect(url.pathname).toBe('/dispatch/v2/tenant/777/appointment-assignments');
      expect(url.searchParams.get('appointmentIds')).toBe('120000001,120000232');
      const live = rows['appointment-assignments'].filter((a) => a.active).map(({ active: _a, ...a }) => a);
      return json({ page: 1, pageSize: 5000, hasMore: false, totalCount: null, data: live });
    });
    const page = await stream('appointments').readPage(ctx, null);
    const first = page.records[0];
    expect(first?.kind === 'record' ? first.raw : null).toMatchObject({
      appointment: { id: 120000001 },
      assignments: [{ id: 130000001, technicianId: 60000007 }],
    });
    expect(first?.kind === 'record' && 'active' in (first.raw as { appointment: object }).appointment).toBe(
      false,
    );
  });

  it("names each job's tags through the tenant's tag types, looked up once per page and only when needed", async () => {
    const [tagged, plain, unknown] = rows.jobs.map((row, i) => ({
      ...row,
      tagTypeIds: [[301, 302], [], [399]][i] ?? [],
    }));
    const tagTypes = [
      { id: 301, name: 'VIP', active: true },
      { id: 302, name: 'Warranty', active: false },
      { id: 303, name: 'Second visit', active: true },
    ];
    serve((url) => {
      if (url.pathname.endsWith('/export/jobs')) {
        const from = url.searchParams.get('from');
        return json({
          hasMore: false,
          continueFrom: 't',
          data: from === 'plain' ? [plain] : [tagged, plain, unknown],
        });
      }
      expect(url.pathname).toBe('/settings/v2/tenant/777/tag-types');
      expect(url.searchParams.get('active')).toBe('Any');
      return json({ page: 1, pageSize: 5000, hasMore: false, totalCount: null, data: tagTypes });
    });
    const page = await stream('jobs').readPage(ctx, 'from-here');
    expect(calls.filter((c) => c.url.pathname.endsWith('/tag-types'))).toHaveLength(1);
    const [first, second, third] = page.records;
    expect(first?.kind === 'record' ? first.raw : null).toEqual({
      job: tagged,
      tagTypes: tagTypes.slice(0, 2),
    });
    expect(second?.kind === 'record' ? second.raw : null).toEqual({ job: plain, tagTypes: [] });
    expect(first?.kind === 'record' ? readSide.mapper.toCanonical(first, ctx) : null).toMatchObject({
      tags: ['VIP', 'Warranty'],
    });
    // A tag id the tenant's tag types do not name: drift, with the issue at the tag.
    expect(third).toMatchObject({ kind: 'drift', entity: 'job', externalId: String(unknown?.id) });
    expect(third?.kind === 'drift' ? third.issues.map((i) => i.path) : []).toEqual(['job.tagTypeIds.0']);

    calls = [];
    await stream('jobs').readPage(ctx, 'plain');
    expect(calls.map((c) => c.url.pathname)).toEqual(['/jpm/v2/tenant/777/export/jobs']);
  });

  it('an assignment change re-reads its appointment', async () => {
    serve((url) => {
      if (url.pathname.endsWith('/export/appointment-assignments')) {
        return json({ hasMore: false, continueFrom: 't', data: rows['appointment-assignments'] });
      }
      if (url.pathname.endsWith('/jpm/v2/tenant/777/appointments')) {
        expect(url.searchParams.get('ids')).toBe('120000001,120000002,120000020');
        const { active: _a, ...live } = rows.appointments[0] as Record<string, unknown>;
        return json({ page: 1, pageSize: 5000, hasMore: false, totalCount: null, data: [live] });
      }
      return json({ page: 1, pageSize: 5000, hasMore: false, totalCount: null, data: [] });
    });
    const page = await stream('appointment-assignments').readPage(ctx, null);
    expect(page.records).toEqual([
      expect.objectContaining({
        kind: 'record',
        entity: 'appointment',
        externalId: '120000001',
        deleted: false,
      }),
    ]);
  });
});

describe('ServiceTitan vendor call failures', () => {
  async function failure(response: () => Response): Promise<VendorCallError> {
    serve(response);
    const error: unknown = await stream('jobs')
      .readPage(ctx, null)
      .then(
        () => new Error('no failure'),
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(VendorCallError);
    return error as VendorCallError;
  }

  it('401 → unauthorized, 429 → rate_limited with Retry-After, 5xx → unavailable', async () => {
    expect((await failure(() => json({}, 401))).failure).toEqual({ kind: 'unauthorized', status: 401 });
    expect((await failure(() => json({}, 429, { 'retry-after': '3' }))).failure).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
    expect(
      (await failure(() => json({}, 429, { 'retry-after': new Date(NOW.getTime() + 5000).toUTCString() })))
        .failure,
    ).toEqual({ kind: 'rate_limited', retryAfterMs: 5000 });
    expect((await failure(() => json({}, 503))).failure).toMatchObject({ kind: 'unavailable', status: 503 });
    const login = await failure(
      () => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }),
    );
    expect(login.failure.kind).toBe('unauthorized');
  });

  it('a network error → unavailable; messages never carry the session', async () => {
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    const error = await stream('jobs')
      .readPage(ctx, null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorCallError);
    expect((error as VendorCallError).failure).toEqual({ kind: 'unavailable', message: 'fetch failed' });
    expect((error as VendorCallError).message).not.toMatch(/cookie-value|csrf-value/);
  });

  it('a changed envelope or a 400 is an error naming the call, not a record', async () => {
    serve(() => json({ hasMore: false, next: 't', data: [] }));
    await expect(stream('jobs').readPage(ctx, null)).rejects.toThrow(
      /jpm\/export\/jobs: the response envelope changed \(continueFrom: /,
    );
    serve(() => json({ title: 'One or more validation errors occurred.', errors: { from: ['bad'] } }, 400));
    await expect(stream('jobs').readPage(ctx, 'x')).rejects.toThrow(/400 One or more validation errors/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2', NOW)).toBe(2000);
    expect(retryAfterMs(new Date(NOW.getTime() - 1000).toUTCString(), NOW)).toBe(0);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(null, NOW)).toBeUndefined();
  });
});
