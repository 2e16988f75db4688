import { z } from 'zod';
import { WorkizCallError, type CallContext, type WorkizClient } from '../workiz.client';
import { workizListSchema, workizOneSchema, workizWebPageSchema } from '../workiz.schemas';

/*
 * How Workiz's lists are read page by page.
 *
 * The Developer API (`job/all/`, `lead/all/`): `{flag, data, has_more}`, at most 100 records a page by
 * record `offset`, sorted by JobDateTime (leads: CreatedDate) descending, no modified-since filter,
 * `only_open` true by default (so `only_open=false` always: closed jobs are read too), and without
 * `start_date` only the last 14 days. So a list is read in two phases:
 *  - `full`: from `start_date` FULL_START (every record, however old): the first pass and every
 *    reconciliation pass (the extractor starts one from checkpoint null);
 *  - `window`: the rolling window from WINDOW_DAYS ago on (the past fortnight and everything ahead), read
 *    whole on every incremental pass; a change to an older record is found by the next full pass.
 * Records can move while a pass pages (a job rescheduled, one deleted ahead of the offset): each page after
 * the first starts OVERLAP records before the end of the previous one, so a record moved back by up to
 * that many positions is still read (a record read twice hashes equal and writes nothing).
 *
 * The web app's lists (`/ajaxc/…`): `{status, page, per_page, total, <key>[]}`, page from 1, id order, every
 * record. New records append at the end; a deletion ahead of the page moves later records back a page, so
 * when `total` shrank since the previous page the pass steps back as many pages as records went.
 */

export const API_PAGE_SIZE = 100;
export const WEB_PAGE_SIZE = 200;
export const OVERLAP = 10;
/** The start of time for a full pass (`start_date`, account-local date). */
export const FULL_START = '2000-01-01';
/** How far back the incremental window reaches. */
export const WINDOW_DAYS = 14;

/** One list of Workiz. */
export type ListSpec =
  | { readonly kind: 'api'; readonly path: string }
  /** An API list answered whole, without paging (`team/all/`). */
  | { readonly kind: 'api-whole'; readonly path: string }
  | { readonly kind: 'web'; readonly path: string; readonly key: string };

/** Where a list's reading stands. */
const checkpointSchema = z.union([
  z.strictObject({ kind: z.literal('api-whole') }),
  z.strictObject({ kind: z.literal('api'), phase: z.enum(['full', 'window']), offset: z.int().min(0) }),
  z.strictObject({ kind: z.literal('web'), page: z.int().min(1), total: z.int().min(0).nullable() }),
]);
export type ListCheckpoint = z.infer<typeof checkpointSchema>;

export function parseListCheckpoint(stream: string, value: unknown): ListCheckpoint {
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) throw new Error(`Workiz ${stream}: unreadable checkpoint ${JSON.stringify(value)}`);
  return parsed.data;
}

/** Where a list starts: a full pass. */
export const startOf = (list: ListSpec): ListCheckpoint =>
  list.kind === 'api'
    ? { kind: 'api', phase: 'full', offset: 0 }
    : list.kind === 'api-whole'
      ? { kind: 'api-whole' }
      : { kind: 'web', page: 1, total: null };

/** One page of a list: its rows, where the next starts (null: the list is done), and its total when known. */
export interface ListPage {
  readonly rows: readonly unknown[];
  readonly next: ListCheckpoint | null;
  /** Where the next pass of the list starts once this one is done. */
  readonly restart: ListCheckpoint;
  readonly total?: number;
}

/** The account-local date `days` before `now` in `zone` (`YYYY-MM-DD`). */
export function localDateBefore(now: Date, days: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() - days * 86_400_000));
}

/** The page of `list` at `at`. */
export async function readListPage(
  client: WorkizClient,
  ctx: CallContext,
  list: ListSpec,
  at: ListCheckpoint,
): Promise<ListPage> {
  if (list.kind === 'api-whole' && at.kind === 'api-whole') {
    const page = workizOneSchema.safeParse(await client.apiGet(ctx, list.path));
    if (!page.success || !Array.isArray(page.data.data)) {
      throw new WorkizCallError(
        list.path,
        200,
        `Workiz GET ${list.path}: the answer is not a list ({flag, data})`,
      );
    }
    return { rows: page.data.data, next: null, restart: at, total: page.data.data.length };
  }
  if (list.kind === 'api' && at.kind === 'api') {
    const { timezone } = await client.apiAccess(ctx);
    const body = await client.apiGet(ctx, list.path, {
      records: String(API_PAGE_SIZE),
      offset: String(at.offset),
      only_open: 'false',
      start_date: at.phase === 'full' ? FULL_START : localDateBefore(ctx.now(), WINDOW_DAYS, timezone),
    });
    const page = workizListSchema.safeParse(body);
    if (!page.success) {
      throw new WorkizCallError(
        list.path,
        200,
        `Workiz GET ${list.path}: the answer is not a list ({flag, data, has_more})`,
      );
    }
    const rows = page.data.data;
    return {
      rows,
      next: page.data.has_more ? { ...at, offset: at.offset + Math.max(1, rows.length - OVERLAP) } : null,
      restart: { kind: 'api', phase: 'window', offset: 0 },
    };
  }
  if (list.kind === 'web' && at.kind === 'web') {
    const body = await client.webGet(ctx, list.path, {
      page: String(at.page),
      per_page: String(WEB_PAGE_SIZE),
    });
    const page = workizWebPageSchema.safeParse(body);
    const rows = page.success ? (body as Record<string, unknown>)[list.key] : undefined;
    if (!page.success || !Array.isArray(rows)) {
      throw new WorkizCallError(
        list.path,
        200,
        `Workiz GET ${list.path}: the answer is not a page of ${list.key} (status, page, per_page, total, ${list.key}[])`,
      );
    }
    const total = page.data.total;
    // Records deleted since the previous page moved later ones back into the pages before this one: read
    // those again (as many pages back as records went) before going on.
    const shrunk = at.total === null ? 0 : Math.max(0, at.total - total);
    const back = Math.ceil(shrunk / WEB_PAGE_SIZE);
    const nextPage = back > 0 ? at.page - back : at.page + 1;
    const more = (nextPage - 1) * WEB_PAGE_SIZE < total;
    return {
      rows,
      next: more ? { kind: 'web', page: Math.max(1, nextPage), total } : null,
      restart: { kind: 'web', page: 1, total: null },
      ...(at.page === 1 ? { total } : {}),
    };
  }
  throw new Error(`Workiz ${list.path}: a ${at.kind} checkpoint for a ${list.kind} list`);
}
