import type { CallContext, WorkizApiAccess, WorkizClient } from '../workiz.client';
import {
  API_PAGE_SIZE,
  FULL_START,
  OVERLAP,
  WEB_PAGE_SIZE,
  localDateBefore,
  readListPage,
} from './paging.util';

/*
 * The paging rules over a list the test holds (the client's two calls answer from it as Workiz would):
 * API lists by record offset with an overlap, web lists by page with a step back when records went.
 */

const ctx = { now: () => new Date('2026-07-20T12:00:00Z') } as unknown as CallContext;
const access: WorkizApiAccess = { token: 't', secret: 's', timezone: 'America/Chicago' };

function fakeVendor(rows: () => number[]) {
  const calls: Record<string, string>[] = [];
  const client = {
    apiAccess: () => Promise.resolve(access),
    apiGet: (_ctx: CallContext, _path: string, q: Record<string, string>) => {
      calls.push(q);
      const all = rows();
      const offset = Number(q['offset']);
      const slice = all.slice(offset, offset + Number(q['records']));
      return Promise.resolve({ flag: true, data: slice, has_more: offset + slice.length < all.length });
    },
    webGet: (_ctx: CallContext, _path: string, q: Record<string, string>) => {
      calls.push(q);
      const all = rows();
      const page = Number(q['page']);
      const per = Number(q['per_page']);
      return Promise.resolve({
        status: 'ok',
        page,
        per_page: per,
        total: all.length,
        items: all.slice((page - 1) * per, page * per),
      });
    },
  } as unknown as WorkizClient;
  return { client, calls };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('Workiz list paging', () => {
  it('an API list: a full pass from the start of time with closed records, each page overlapping the last', async () => {
    const { client, calls } = fakeVendor(() => range(250));
    const seen: number[] = [];
    let at = { kind: 'api', phase: 'full', offset: 0 } as const as Parameters<typeof readListPage>[3];
    for (let guard = 0; guard < 10; guard++) {
      const page = await readListPage(client, ctx, { kind: 'api', path: '/job/all/' }, at);
      seen.push(...(page.rows as number[]));
      if (page.next === null) {
        expect(page.restart).toEqual({ kind: 'api', phase: 'window', offset: 0 });
        break;
      }
      at = page.next;
    }
    expect(new Set(seen).size).toBe(250);
    expect(calls.map((c) => c['offset'])).toEqual([
      '0',
      String(API_PAGE_SIZE - OVERLAP),
      String(2 * (API_PAGE_SIZE - OVERLAP)),
    ]);
    expect(calls.every((c) => c['only_open'] === 'false' && c['start_date'] === FULL_START)).toBe(true);
  });

  it('the window phase starts 14 account-local days back', async () => {
    const { client, calls } = fakeVendor(() => range(5));
    await readListPage(
      client,
      ctx,
      { kind: 'api', path: '/job/all/' },
      { kind: 'api', phase: 'window', offset: 0 },
    );
    expect(calls[0]?.['start_date']).toBe('2026-07-06');
    expect(localDateBefore(new Date('2026-07-20T03:00:00Z'), 0, 'America/Chicago')).toBe('2026-07-19');
  });

  it('an API record moved back across a page boundary while paging is still read', async () => {
    let rows = range(200);
    const { client } = fakeVendor(() => rows);
    const list = { kind: 'api', path: '/job/all/' } as const;
    const seen = new Set<number>();
    let at: Parameters<typeof readListPage>[3] = { kind: 'api', phase: 'full', offset: 0 };
    for (let guard = 0; guard < 10; guard++) {
      const page = await readListPage(client, ctx, list, at);
      for (const r of page.rows as number[]) seen.add(r);
      // After the first page, two records ahead are deleted: 101 and 102 move back to offsets 98 and 99.
      if (guard === 0) rows = rows.filter((r) => r !== 3 && r !== 7);
      if (page.next === null) break;
      at = page.next;
    }
    expect(rows.filter((r) => !seen.has(r))).toEqual([]);
  });

  it('a web list steps back a page when records were deleted ahead of it, so none is skipped', async () => {
    let rows = range(450);
    const { client, calls } = fakeVendor(() => rows);
    const list = { kind: 'web', path: '/ajaxc/x/', key: 'items' } as const;
    const seen = new Set<number>();
    let at: Parameters<typeof readListPage>[3] = { kind: 'web', page: 1, total: null };
    for (let guard = 0; guard < 10; guard++) {
      const page = await readListPage(client, ctx, list, at);
      for (const r of page.rows as number[]) seen.add(r);
      if (calls.length === 1) rows = rows.filter((r) => r > 5); // 5 records of page 1 deleted
      if (page.next === null) break;
      at = page.next;
    }
    expect(rows.filter((r) => !seen.has(r))).toEqual([]);
    expect(calls.map((c) => c['page'])).toEqual(['1', '2', '1', '2', '3']);
    expect(calls.every((c) => c['per_page'] === String(WEB_PAGE_SIZE))).toBe(true);
  });
});
