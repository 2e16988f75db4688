import { performance } from 'node:perf_hooks';
import * as cheerio from 'cheerio';
import pino from 'pino';
import type { CapturedSession, SessionCookie, SyncContext } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { startSandbox } from '@fieldsync/testing';
import { check, type BenchResult } from './bench.types';

/*
 * The Total Office Manager scraping backfill: the connector's read side (its grid readers, cheerio, the
 * detail pages of documents) reading every stream of a sandbox TOM company file from the start until
 * caught up, against the sandbox as a process. Pages/s counts every HTML page fetched (grid pages and
 * detail pages: each request passes the reader's `pace` hook); records/s every validated record. The
 * session comes from TOM's own sign-in form (no Chromium: the session manager's login time is the
 * sessions bench). Checks: no drift, every grid's record count equals the sandbox's ground truth (work
 * orders with a start counted again as appointments). The extractor's store path is benched apart
 * (extractor-store.bench.ts); this is what scraping costs.
 */

export interface TomScrapeBenchOptions {
  readonly size: number;
  readonly log: (line: string) => void;
}

/** The grids each stream reads (their ground truths together are what it yields). */
const GRIDS: Readonly<Record<string, readonly string[]>> = {
  employees: ['employees'],
  items: ['items'],
  customers: ['customers'],
  jobs: ['jobs'],
  workorders: ['workorders'],
  // Invoices, then credit memos (canonical invoices `CM-<number>`).
  invoices: ['invoices', 'credit-memos'],
  payments: ['payments'],
  equipment: ['equipment'],
  agreements: ['agreements'],
  warehouses: ['warehouses'],
  stock: ['stock'],
  'purchase-orders': ['purchase-orders'],
};

function cookieOf(setCookie: string[], name: string, url: string): SessionCookie | undefined {
  const raw = setCookie.find((c) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`));
  if (!raw) return undefined;
  const value = raw.split(';')[0]?.slice(name.length + 1) ?? '';
  return {
    name,
    value: decodeURIComponent(value),
    domain: new URL(url).hostname,
    path: '/',
    expires: -1,
    httpOnly: true,
    secure: false,
    sameSite: 'Lax',
  };
}

/** Signs the admin in through TOM's form and returns the captured session. */
async function signIn(url: string): Promise<CapturedSession> {
  const page = await fetch(`${url}/Account/Login`);
  const pre = cookieOf(page.headers.getSetCookie(), 'tom_pre', url);
  const token =
    cheerio
      .load(await page.text())('input[name="__RequestVerificationToken"]')
      .attr('value') ?? '';
  const res = await fetch(`${url}/Account/Login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `tom_pre=${pre?.value ?? ''}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      __RequestVerificationToken: token,
      UserName: 'tomrds\\admin01',
      Password: 'Sandbox1Admin',
    }).toString(),
  });
  const session = cookieOf(res.headers.getSetCookie(), 'tom_session', url);
  if (res.status !== 303 || !session) throw new Error(`TOM sign-in answered ${String(res.status)}`);
  const now = new Date();
  return {
    vendor: 'tom',
    portalUrl: url,
    cookies: [session],
    headers: {},
    user: { id: 'tom-admin', name: 'Ada Admin', role: 'Administrator', entitlements: [] },
    establishedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 12 * 3_600_000).toISOString(),
    deviceCookies: [],
  };
}

export async function benchTomScrape(options: TomScrapeBenchOptions): Promise<BenchResult[]> {
  const sandbox = await startSandbox({
    SANDBOX_SIZE: String(options.size),
    SANDBOX_SEED: '7',
    SANDBOX_API_LIMITS: 'off',
  });
  try {
    const tom = sandbox.portal('tom');
    const session = await signIn(tom.url);
    const side = CONNECTORS.get('tom').readSide;
    let pages = 0;
    let records = 0;
    let drift = 0;
    const seen = new Map<string, number>();
    const ctx: SyncContext = {
      tenantId: 'tn_bench',
      connectionId: 'con_bench_tom',
      vendor: 'tom',
      session,
      logger: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      now: () => new Date(),
      pace: () => {
        pages += 1;
        return Promise.resolve();
      },
    };
    const t0 = performance.now();
    for (const stream of side.streams) {
      let checkpoint: string | null = null;
      for (;;) {
        const page = await stream.readPage(ctx, checkpoint);
        for (const record of page.records) {
          if (record.kind === 'drift') drift += 1;
          else {
            records += 1;
            seen.set(record.entity, (seen.get(record.entity) ?? 0) + 1);
          }
        }
        checkpoint = page.checkpoint;
        if (page.caughtUp) break;
      }
    }
    const wallMs = performance.now() - t0;
    const checks = [check(drift === 0, 'no record of the backfill is drift', `${String(drift)} drifted`)];
    let expected = 0;
    for (const stream of side.streams) {
      const rows: { fields: Record<string, string> }[] = [];
      for (const grid of GRIDS[stream.stream] ?? [stream.stream]) {
        rows.push(
          ...(
            await tom.control<{ data: { fields: Record<string, string> }[] }>('GET', `world/export/${grid}`)
          ).data,
        );
      }
      const [entity, also] = stream.entities;
      expected += rows.length;
      checks.push(
        check(
          seen.get(entity ?? '') === rows.length,
          `${stream.stream}: as many ${String(entity)} records as the ground truth`,
          `${String(seen.get(entity ?? ''))} ≠ ${String(rows.length)}`,
        ),
      );
      if (also) {
        const scheduled = rows.filter((r) => r.fields['Start'] !== '').length;
        expected += scheduled;
        checks.push(
          check(seen.get(also) === scheduled, `${stream.stream}: one ${also} per scheduled work order`),
        );
      }
    }
    checks.push(check(records === expected, 'every record of the ground truth read once'));
    options.log(
      `  TOM scraping backfill: ${String(records)} records from ${String(pages)} pages in ${(wallMs / 1000).toFixed(1)} s`,
    );
    const params = {
      sandboxSize: options.size,
      streams: side.streams.length,
      gridPageSize: 100,
      documentPageSize: 5,
    };
    return [
      {
        id: 'tom-scrape-pages',
        group: 'extractor',
        title: 'TOM scraping backfill: HTML pages fetched and parsed (grids + detail pages)',
        unit: 'ops',
        count: pages,
        wallMs: Math.round(wallMs),
        ratePerSec: Math.round((pages / wallMs) * 1000 * 10) / 10,
        params,
        checks,
      },
      {
        id: 'tom-scrape-records',
        group: 'extractor',
        title: 'TOM scraping backfill: validated records',
        unit: 'records',
        count: records,
        wallMs: Math.round(wallMs),
        ratePerSec: Math.round((records / wallMs) * 1000 * 10) / 10,
        params,
        checks,
      },
    ];
  } finally {
    await sandbox.service.stop('SIGTERM');
  }
}
