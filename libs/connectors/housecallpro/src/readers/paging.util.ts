import type { CallContext, HousecallProClient } from '../housecallpro.client';
import { HousecallProCallError } from '../housecallpro.client';
import { housecallproPageSchema } from '../housecallpro.schemas';
import { FIRST_PASS, parseScanCheckpoint, scanStep, type ScanCheckpoint } from './watermark-scan.util';

/*
 * How a Housecall Pro list is read page by page: `{ page, page_size, total_pages, total_items, <key>[] }`,
 * page numbers from 1, at most 100 rows a page. A `watermark` list is scanned `updated_at desc` down to
 * its watermark (readers/watermark-scan.util.ts); a `full` list (no updated_at on its rows: employees,
 * lead sources) is read whole on every pass.
 */

export const PAGE_SIZE = 100;
/** How far before the watermark a pass reads again (vendor timestamps committed slightly out of order). */
export const OVERLAP_MS = 2_000;

/** One list of the API. */
export interface ListSpec {
  readonly path: string;
  /** The array's key in the page envelope (`customers`, `jobs` …). */
  readonly key: string;
  readonly mode: 'watermark' | 'full';
  /** Further query parameters of every page (`expand[]`, a schedule window from the clock). */
  readonly query?: Readonly<Record<string, string>> | ((now: Date) => Readonly<Record<string, string>>);
}

/** One page of a list: its rows as the vendor sent them, where the next page starts, and whether there is one. */
export interface ListPage {
  readonly rows: readonly unknown[];
  readonly checkpoint: string | null;
  readonly hasMore: boolean;
  /** How many rows a pass from the start reads, when the vendor says (the backfill's ETA). */
  readonly total?: number;
}

const updatedAtOf = (row: unknown): string | undefined => {
  const value =
    row !== null && typeof row === 'object' ? (row as Record<string, unknown>)['updated_at'] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/** The page of `list` after `checkpoint` (null: a backfill from the start). */
export async function readListPage(
  client: HousecallProClient,
  ctx: CallContext,
  stream: string,
  list: ListSpec,
  checkpoint: string | null,
): Promise<ListPage> {
  const at: ScanCheckpoint =
    list.mode === 'full'
      ? { ...parseScanCheckpoint(stream, checkpoint), watermark: null }
      : parseScanCheckpoint(stream, checkpoint);
  const body = await client.get(ctx, list.path, {
    ...(typeof list.query === 'function' ? list.query(ctx.now()) : list.query),
    page: String(at.page),
    page_size: String(PAGE_SIZE),
    sort_by: list.mode === 'watermark' ? 'updated_at' : 'created_at',
    sort_direction: list.mode === 'watermark' ? 'desc' : 'asc',
  });
  const envelope = housecallproPageSchema.safeParse(body);
  const rows = envelope.success ? (envelope.data as Record<string, unknown>)[list.key] : undefined;
  if (!envelope.success || !Array.isArray(rows)) {
    throw new HousecallProCallError(
      list.path,
      200,
      `Housecall Pro GET ${list.path}: the answer is not a page of ${list.key} (page, page_size, total_pages, total_items, ${list.key}[])`,
    );
  }
  const step = scanStep(
    at,
    {
      rows,
      page: envelope.data.page,
      totalPages: envelope.data.total_pages,
      totalItems: envelope.data.total_items,
    },
    list.mode === 'watermark' ? updatedAtOf : () => undefined,
    OVERLAP_MS,
  );
  return {
    rows: step.rows,
    checkpoint: JSON.stringify(step.checkpoint),
    hasMore: !step.caughtUp,
    ...(checkpoint === null || at === FIRST_PASS ? { total: envelope.data.total_items } : {}),
  };
}
