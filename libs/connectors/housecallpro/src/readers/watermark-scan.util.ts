import { z } from 'zod';

/*
 * Housecall Pro's lists have no updated-since filter (vendors.md §3): a stream reads them sorted
 * `sort_by=updated_at&sort_direction=desc` from page 1 down to its watermark. The pure step of that scan
 * lives here; readers/paging.util.ts does the calls.
 *
 * - A pass starts at page 1 and yields every row whose updated_at is at or after `watermark − overlap`
 *   (inclusive: rows sharing the watermark's timestamp are read again — the change log drops repeats by
 *   content — so a burst of rows sharing one updated_at is never cut in two by a pass boundary).
 * - It ends at the first row older than that bound, or the last page. Its newest updated_at (`passTop`)
 *   becomes the next pass's watermark. A backfill is a pass without a watermark.
 * - Records changing while the pass pages move to the front of the list (newer updated_at): rows behind
 *   them shift down a place, so a page boundary can only repeat a row, never skip one; the changed
 *   records themselves are read by the next pass (their updated_at ≥ passTop). A row leaving the list
 *   (a delete) shifts rows up and could skip one: a shrinking `total_items` restarts the pass from page 1.
 */

export const scanCheckpointSchema = z.strictObject({
  /** Lower bound (inclusive, before the overlap) of the pass; null: a full pass (backfill). */
  watermark: z.iso.datetime({ offset: true }).nullable(),
  /** The next page of the current pass (1: a new pass). */
  page: z.number().int().positive(),
  /** Newest updated_at seen in the current pass. */
  passTop: z.iso.datetime({ offset: true }).nullable(),
  /** total_items of the previous page of this pass (a shrink restarts the pass). */
  total: z.number().int().nonnegative().nullable(),
});
export type ScanCheckpoint = z.infer<typeof scanCheckpointSchema>;

export const FIRST_PASS: ScanCheckpoint = { watermark: null, page: 1, passTop: null, total: null };

export interface ScannedPage<R> {
  readonly rows: readonly R[];
  readonly page: number;
  readonly totalPages: number;
  readonly totalItems: number;
}

export interface ScanStep<R> {
  /** The rows of the page at or after the bound (every row of a backfill). */
  readonly rows: readonly R[];
  readonly checkpoint: ScanCheckpoint;
  /** The pass ended: nothing more until the next interval. */
  readonly caughtUp: boolean;
}

/** The stored checkpoint of a stream (null: a backfill from the start); a bad one names the field. */
export function parseScanCheckpoint(stream: string, checkpoint: string | null): ScanCheckpoint {
  if (checkpoint === null) return FIRST_PASS;
  let value: unknown;
  try {
    value = JSON.parse(checkpoint);
  } catch {
    throw new Error(`Housecall Pro ${stream} checkpoint: not JSON`);
  }
  const parsed = scanCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Housecall Pro ${stream} checkpoint: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * One page of the scan: which rows to yield and where the scan goes on. `updatedAt` reads a row's
 * updated_at (undefined when it has none readable: such a row is yielded and never ends the pass).
 */
export function scanStep<R>(
  checkpoint: ScanCheckpoint,
  page: ScannedPage<R>,
  updatedAt: (row: R) => string | undefined,
  overlapMs: number,
): ScanStep<R> {
  const bound = checkpoint.watermark === null ? null : Date.parse(checkpoint.watermark) - overlapMs;
  const rows: R[] = [];
  let passTop = checkpoint.passTop;
  let reachedBound = false;
  for (const row of page.rows) {
    const at = updatedAt(row);
    const ms = at === undefined ? Number.NaN : Date.parse(at);
    if (bound !== null && !Number.isNaN(ms) && ms < bound) {
      reachedBound = true;
      continue;
    }
    rows.push(row);
    if (at !== undefined && !Number.isNaN(ms) && (passTop === null || ms > Date.parse(passTop))) passTop = at;
  }
  if (checkpoint.page > 1 && checkpoint.total !== null && page.totalItems < checkpoint.total) {
    // Rows left the list while we paged: those behind them moved up a place, one may have slipped past
    // the page boundary. Read the pass again from the top (repeats are dropped downstream).
    return { rows, checkpoint: { ...checkpoint, page: 1, passTop, total: null }, caughtUp: false };
  }
  const ended = reachedBound || page.rows.length === 0 || page.page >= page.totalPages;
  if (ended) {
    return {
      rows,
      checkpoint: { watermark: passTop ?? checkpoint.watermark, page: 1, passTop: null, total: null },
      caughtUp: true,
    };
  }
  return {
    rows,
    checkpoint: { ...checkpoint, page: checkpoint.page + 1, passTop, total: page.totalItems },
    caughtUp: false,
  };
}
