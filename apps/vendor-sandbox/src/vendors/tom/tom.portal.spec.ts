import * as cheerio from 'cheerio';
import pino from 'pino';
import { PortalServer } from '../../portal/portal-server';
import type { MfaMethod, TestUserSpec } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { SandboxWorldHost } from '../../world-host/sandbox-world.host';
import { antiForgeryToken, cookieOf, signInTom, signInTomFull } from './__fixtures__/tom-session.fixture';
import { meetsTomPasswordRule } from './tom.users';
import { createTomPortal } from './tom.portal';
import { TOM_LISTINGS, type TomPageRecord } from './tom.records';

/*
 * What must be true of Total Office Manager's sandbox portal (DESIGN "Vendor sandbox", vendors.md §5 and
 * §7): the Mobile II sign-in (anti-forgery token, Keep Me Logged In, inactivity logout, optional second
 * factor, the concurrent-connection licence), the grids with server paging and filters, detail pages,
 * the markup-change fault, and a ground truth equal to what the pages show. In-process through Fastify's
 * inject; the pages are read with an HTML parser, as the connector reads them.
 */

// TOM documents no second factor; the sandbox offers the optional ones of the issue: an authenticator app or an emailed code.
const VENDOR_MFA: readonly Exclude<MfaMethod, 'none'>[] = ['totp', 'email'];

const portal = createTomPortal();
const world = new SandboxWorldHost({ seed: 1, size: 300, ratePerMinute: 2 });
let now = Date.UTC(2026, 2, 2, 18, 0, 0);

type Grid = { headings: string[]; rows: Record<string, string>[]; total: number; next?: string };

function readGrid(html: string): Grid {
  const $ = cheerio.load(html);
  const headings = $('#grid thead th')
    .map((_i, th) => $(th).text())
    .get();
  const rows = $('#grid tbody tr')
    .map((_i, tr) => {
      const cells = $(tr)
        .find('td')
        .map((_j, td) => $(td).text())
        .get();
      return [Object.fromEntries(headings.map((h, k) => [h, cells[k] ?? '']))];
    })
    .get() as Record<string, string>[];
  return {
    headings,
    rows,
    total: Number($('#page-info').attr('data-total')),
    next: $('a[rel="next"]').attr('href'),
  };
}

describe('the Total Office Manager sandbox portal', () => {
  let server: PortalServer;
  const admin = portal.users.find((u) => u.mfa === 'none') as TestUserSpec;
  const get = (url: string, cookie: string) =>
    server.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
  const control = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({ method, url: `/__sandbox/${url}`, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    server = await PortalServer.create(portal, {
      logger: pino({ level: 'silent' }),
      lockoutDurationMs: 60_000,
      seed: 1,
      world,
      clock: () => now,
    });
  });

  afterEach(async () => {
    await control('POST', 'reset');
  });

  afterAll(() => server.close());

  it("listens on Total Office Manager's own port under its own id", () => {
    expect([portal.id, portal.defaultPort]).toEqual(['tom', DEFAULT_PORTAL_PORTS.tom]);
  });

  it('serves the Mobile II sign-in page with an anti-forgery token and Keep Me Logged In', async () => {
    const page = await server.app.inject({ method: 'GET', url: portal.login.path });
    expect(page.statusCode).toBe(200);
    const $ = cheerio.load(page.body);
    expect($('input[type="password"]').attr('name')).toBe('Password');
    expect(antiForgeryToken(page.body).length).toBeGreaterThan(20);
    expect($('label:contains("Keep Me Logged In") input[type="checkbox"]').attr('name')).toBe('RememberMe');
  });

  it('refuses a sign-in without the anti-forgery token', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/Account/Login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ UserName: admin.username, Password: admin.password }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(cookieOf(res.headers['set-cookie'], 'tom_session')).toBeUndefined();
  });

  it('signs every test user in through the login steps, with passwords that follow TOM’s rule', async () => {
    for (const user of portal.users) {
      expect([user.username, meetsTomPasswordRule(user.password)]).toEqual([user.username, true]);
      const cookie = (await signInTomFull(server.app, user, { at: now })).session;
      const whoami = await server.app.inject({ method: 'GET', url: '/api/whoami', headers: { cookie } });
      expect([user.username, whoami.statusCode]).toEqual([user.username, 200]);
      expect(whoami.json<{ user: { username: string } }>().user.username).toBe(user.username);
    }
    expect(meetsTomPasswordRule('abcdefg')).toBe(false);
    expect(meetsTomPasswordRule('abc123')).toBe(false);
  });

  it('has a test user for every second factor it offers', () => {
    const offered = new Set(portal.users.map((u) => u.mfa));
    expect(VENDOR_MFA.filter((method) => !offered.has(method))).toEqual([]);
  });

  it('shows the licence error page past the licensed concurrent connections, and frees a seat on log off', async () => {
    expect((await control('POST', 'licence', { seats: 1 })).json()).toEqual({ seats: 1, inUse: 0 });
    const first = await signInTom(server.app, admin);
    await expect(signInTom(server.app, admin)).rejects.toThrow('answered 403');
    const page = await server.app.inject({ method: 'GET', url: '/Account/Login' });
    const pre = cookieOf(page.headers['set-cookie'], 'tom_pre') ?? '';
    const refused = await server.app.inject({
      method: 'POST',
      url: '/Account/Login',
      headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        __RequestVerificationToken: antiForgeryToken(page.body),
        UserName: admin.username,
        Password: admin.password,
      }).toString(),
    });
    expect(cheerio.load(refused.body)('#license-error').text()).toContain('concurrent connections');
    expect((await control('GET', 'licence')).json()).toEqual({ seats: 1, inUse: 1 });
    const csrf =
      cheerio
        .load((await get('/home', first)).body)('meta[name="csrf-token"]')
        .attr('content') ?? '';
    const off = await server.app.inject({
      method: 'POST',
      url: '/Account/LogOff',
      headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ __RequestVerificationToken: csrf }).toString(),
    });
    expect(off.statusCode).toBe(303);
    expect((await control('GET', 'licence')).json()).toEqual({ seats: 1, inUse: 0 });
    expect(await signInTom(server.app, admin)).toMatch(/^tom_session=/);
  });

  it("offers Mobile II's Log Out on every office screen: it ends the session and frees its seat", async () => {
    expect((await control('POST', 'licence', { seats: 1 })).json()).toEqual({ seats: 1, inUse: 0 });
    const cookie = await signInTom(server.app, admin);
    const $ = cheerio.load((await get('/WorkOrders', cookie)).body);
    const form = $('#menu form#logoff');
    expect([form.attr('method'), form.attr('action'), form.find('button').text()]).toEqual([
      'post',
      '/Account/LogOff',
      'Log Out',
    ]);
    const token = form.find('input[name="__RequestVerificationToken"]').attr('value') ?? '';
    // A wrong token ends nothing.
    const forged = await server.app.inject({
      method: 'POST',
      url: '/Account/LogOff',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ __RequestVerificationToken: `${token}x` }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expect((await control('GET', 'licence')).json()).toEqual({ seats: 1, inUse: 1 });
    const off = await server.app.inject({
      method: 'POST',
      url: '/Account/LogOff',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ __RequestVerificationToken: token }).toString(),
    });
    expect([off.statusCode, off.headers.location]).toEqual([303, '/Account/Login']);
    expect((await control('GET', 'licence')).json()).toEqual({ seats: 1, inUse: 0 });
    expect((await get('/WorkOrders', cookie)).statusCode).toBe(302);
    // Logging off a session that has already ended answers the same way: nothing of it is held.
    const again = await server.app.inject({
      method: 'POST',
      url: '/Account/LogOff',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ __RequestVerificationToken: token }).toString(),
    });
    expect([again.statusCode, again.headers.location]).toEqual([303, '/Account/Login']);
  });

  it('logs out after 20 minutes without activity; Keep Me Logged In signs the browser in again', async () => {
    const plain = await signInTom(server.app, admin);
    const kept = await signInTomFull(server.app, admin, { remember: true });
    expect(kept.remember).toMatch(/^tom_remember=/);
    now += 21 * 60_000;
    const expired = await get('/Customers', plain);
    expect([expired.statusCode, expired.headers.location]).toEqual([302, '/Account/Login?next=%2FCustomers']);
    const back = await get('/Account/Login?next=%2FCustomers', `${kept.remember ?? ''}`);
    expect([back.statusCode, back.headers.location]).toEqual([303, '/Customers']);
    const session = cookieOf(back.headers['set-cookie'], 'tom_session') ?? '';
    expect((await get('/Customers', session)).statusCode).toBe(200);
    // Without the remember cookie the page is the sign-in form again.
    expect((await get('/Account/Login', '')).statusCode).toBe(200);
  });

  it('pages every grid server-side and its rows equal the ground truth', async () => {
    const cookie = await signInTom(server.app, admin);
    const truth = portal.groundTruth;
    if (!truth) throw new Error('no ground truth');
    for (const listing of TOM_LISTINGS) {
      const rows: Record<string, string>[] = [];
      let url: string | undefined = `${listing.path}?pageSize=100`;
      let total = 0;
      while (url) {
        const res = await get(url, cookie);
        expect([listing.path, res.statusCode]).toEqual([listing.path, 200]);
        const grid = readGrid(res.body);
        expect(grid.headings).toEqual(listing.columns);
        rows.push(...grid.rows);
        total = grid.total;
        url = grid.next;
      }
      const exported = truth.export(world.world, listing.entity) as TomPageRecord[];
      expect([listing.entity, rows.length]).toEqual([listing.entity, total]);
      expect([listing.entity, rows.length > 0]).toEqual([listing.entity, true]);
      expect(rows).toEqual(exported.map((r) => r.fields));
    }
  });

  it('filters by modified date and by number, and re-renders a bad filter with its message', async () => {
    const cookie = await signInTom(server.app, admin);
    const all = readGrid((await get('/WorkOrders?pageSize=100', cookie)).body).total;
    const recent = readGrid((await get('/WorkOrders?pageSize=100&modifiedFrom=2/20/2026', cookie)).body);
    expect(recent.total).toBeGreaterThan(0);
    expect(recent.total).toBeLessThan(all);
    const numbers = readGrid((await get('/Invoices?numberFrom=0&numberTo=0', cookie)).body);
    expect(numbers.total).toBe(0);
    const bad = await get('/WorkOrders?modifiedFrom=yesterday', cookie);
    expect(bad.statusCode).toBe(400);
    expect(cheerio.load(bad.body)('#validation').text()).toBe('Modified from must be a date (M/D/YYYY).');
  });

  it('shows a document’s detail page with its fields and lines', async () => {
    const cookie = await signInTom(server.app, admin);
    const [invoice] = portal.groundTruth?.export(world.world, 'invoices') as TomPageRecord[];
    if (!invoice) throw new Error('no invoice');
    const res = await get(`/Invoices/${encodeURIComponent(invoice.key)}`, cookie);
    const $ = cheerio.load(res.body);
    const fields = Object.fromEntries(
      $('#record dt')
        .map((_i, dt) => [[$(dt).text(), $(dt).next('dd').text()]])
        .get() as [string, string][],
    );
    expect(fields).toEqual(invoice.fields);
    expect($('#lines tbody tr').length).toBe(invoice.lines?.length);
    expect((await get('/Invoices/NOPE-1', cookie)).statusCode).toBe(404);
  });

  it('renames column headings when the markup-change fault is on', async () => {
    const cookie = await signInTom(server.app, admin);
    await control('POST', 'faults', { drift: [{ from: 'Modified', to: 'Last Changed' }] });
    const grid = readGrid((await get('/Customers', cookie)).body);
    expect(grid.headings).toContain('Last Changed');
    expect(grid.headings).not.toContain('Modified');
  });

  it('changes the sign-in page when the "changed login page" fault is on, refusing the old field names', async () => {
    await control('POST', 'faults', { loginPage: 'changed' });
    const page = await server.app.inject({ method: 'GET', url: portal.login.path });
    expect(cheerio.load(page.body)('input[name="UserName"]').length).toBe(0);
    await expect(signInTom(server.app, admin)).rejects.toThrow('answered 401');
  });

  it('lists credit memos with paging and a number filter, and shows each one’s lines on its detail page', async () => {
    const cookie = await signInTom(server.app, admin);
    const credits = world.world.tom.creditMemos();
    expect(credits.length).toBeGreaterThan(0);
    const all = readGrid((await get('/CreditMemos?pageSize=2', cookie)).body);
    expect(all.total).toBe(credits.length);
    expect(all.rows.length).toBe(Math.min(2, credits.length));
    const credit = credits[0];
    if (!credit) throw new Error('no credit memo');
    const one = readGrid(
      (
        await get(
          `/CreditMemos?numberFrom=${String(credit.number)}&numberTo=${String(credit.number)}`,
          cookie,
        )
      ).body,
    );
    expect(one.rows.map((r) => r['Credit #'])).toEqual([String(credit.number)]);
    const row = one.rows[0] ?? {};
    expect(row['Total']).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(row['Status']).toMatch(/^(Open|Partially Applied|Applied|Void)$/);
    const $ = cheerio.load((await get(`/CreditMemos/${String(credit.number)}`, cookie)).body);
    expect($('#record').attr('data-entity')).toBe('credit-memos');
    expect($('#lines tbody tr').length).toBe(credit.lines.length);
  });

  it("lists items without a zone column, each item's price per pricing zone on its detail page, and the zones", async () => {
    const cookie = await signInTom(server.app, admin);
    const items = readGrid((await get('/Items?pageSize=100', cookie)).body);
    expect(items.headings).toEqual(expect.arrayContaining(['Item ID', 'Price', 'Cost']));
    expect(items.headings.some((h) => /zone|member/i.test(h))).toBe(false);
    const zones = readGrid((await get('/PricingZones', cookie)).body);
    expect(zones.rows.map((r) => r['Zone'])).toEqual(world.world.tom.pricingZones().map((z) => z.name));
    const ids = items.rows.map((r) => Number(r['Item ID']));
    const priced = ids.filter((id) => world.world.tom.zonePricesOf(id).length > 0);
    const unpriced = ids.filter((id) => world.world.tom.zonePricesOf(id).length === 0);
    expect([priced.length > 0, unpriced.length > 0]).toEqual([true, true]);
    for (const id of [priced[0], unpriced[0]]) {
      const $ = cheerio.load((await get(`/Items/${String(id)}`, cookie)).body);
      expect($('h2').text()).toBe('Zone Prices');
      const lines = $('#lines tbody tr')
        .toArray()
        .map((tr) =>
          $(tr)
            .find('td')
            .map((_i, td) => $(td).text())
            .get(),
        );
      const cents = (printed: string) => Math.round(Number(printed.replace(/[$,]/g, '')) * 100);
      expect(lines.map(([zone, price]) => [zone, cents(price ?? '')])).toEqual(
        world.world.tom.zonePricesOf(id ?? 0).map((p) => [p.zone.name, p.price]),
      );
    }
  });

  it('exports the ground truth of every grid, warehouses, stock and purchase orders included', () => {
    const { groundTruth } = portal;
    if (!groundTruth) throw new Error('no ground truth');
    expect(groundTruth.entities).toEqual(
      expect.arrayContaining([
        'warehouses',
        'stock',
        'purchase-orders',
        'periods',
        'credit-memos',
        'pricing-zones',
      ]),
    );
    for (const entity of groundTruth.entities) {
      expect([entity, groundTruth.export(world.world, entity).length > 0]).toEqual([entity, true]);
    }
  });
});
