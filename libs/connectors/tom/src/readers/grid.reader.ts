import type { EntityType } from '@fieldsync/canonical-model';
import {
  VendorCallError,
  type ReadPage,
  type StreamReader,
  type SyncContext,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import type { TomClient } from '../tom.client';
import { tomWireRecord } from '../tom.schemas';
import { isoToTomDate, tomDateTimeToUtc, tomDateToIso, tomLocalDateOf } from '../tom-time.util';
import { PageShapeError, parseDetail, parseGrid } from './page.parser';
import { validatedRecord } from './wire-record.util';

/*
 * A TOM stream: one grid of its office screens, read page by page (server-side paging, 100 rows a page,
 * 5 for documents whose lines are on their detail pages).
 * A pass from the start reads the whole grid unfiltered (the backfill, and what reconciliation counts on
 * to find deletions: TOM signals none); after it, passes read only what the grid's Modified filter shows
 * since the day before the latest Modified the previous pass saw (TOM's own clock, never ours; the filter
 * takes local dates: a day of overlap, and the store's content hashes drop what did not change). A
 * document's lines come from its detail page.
 */

export const GRID_PAGE_SIZE = 100;
/**
 * Rows per page of a grid whose records need their detail page (one request each): a read of one page is
 * retried as a whole under the vendor-call policy, so it stays a handful of requests.
 */
export const DOCUMENT_PAGE_SIZE = 5;
export const NORMAL_MS = 60_000;

/** One grid: its path, its entity, its row schema, whether its records have a detail page with lines. */
export interface GridSpec<S extends z.ZodType> {
  readonly stream: string;
  readonly entity: EntityType;
  readonly path: string;
  readonly intervalMs: number;
  readonly record: S;
  readonly withLines: boolean;
  deleted?(record: z.infer<S>): boolean;
  /**
   * A second entity the same page record is also (a work order's schedule is its appointment), when
   * `when` says the record has one; the grid reconciles it too.
   */
  readonly also?: { readonly entity: EntityType; when(record: z.infer<S>): boolean };
}

export const gridSpec = <S extends z.ZodType>(spec: GridSpec<S>): GridSpec<S> => spec;

const checkpointSchema = z.strictObject({
  /** `full`: the whole grid; `since`: rows modified on or after `since` (local date). */
  mode: z.enum(['full', 'since']),
  page: z.number().int().min(1),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  /** The latest Modified (local date) the current pass has seen: the next pass's `since` is the day before. */
  watermark: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

/** The local date of a row's Modified cell, or null when the row has none that reads (drift). */
function modifiedDateOf(fields: Readonly<Record<string, string>>): string | null {
  const modified = fields['Modified'];
  if (modified === undefined) return null;
  try {
    tomDateTimeToUtc(modified);
    return tomDateToIso(modified.split(' ')[0] ?? '');
  } catch {
    return null;
  }
}

function dayBefore(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export class TomGridReader<S extends z.ZodType> implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  readonly signalsDeletes = false;

  constructor(
    private readonly client: TomClient,
    private readonly spec: GridSpec<S>,
  ) {
    this.stream = spec.stream;
    this.entities = spec.also ? [spec.entity, spec.also.entity] : [spec.entity];
    this.intervalMs = spec.intervalMs;
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const at: Checkpoint =
      checkpoint === null
        ? { mode: 'full', page: 1, since: null, watermark: null }
        : this.parseCheckpoint(checkpoint, ctx);
    const pageSize = this.spec.withLines ? DOCUMENT_PAGE_SIZE : GRID_PAGE_SIZE;
    const query: Record<string, string> = { page: String(at.page), pageSize: String(pageSize) };
    if (at.mode === 'since' && at.since !== null) query['modifiedFrom'] = isoToTomDate(at.since);
    const html = await this.client.getPage(ctx, this.spec.path, query);
    if (html === null) throw this.unavailable(`${this.spec.path} answered 404`);
    const grid = this.parse(() => parseGrid(html));
    const records = [];
    let watermark = at.watermark;
    for (const row of grid.rows) {
      const modified = modifiedDateOf(row.fields);
      if (modified !== null && (watermark === null || modified > watermark)) watermark = modified;
      let lines: Record<string, string>[] | undefined;
      if (this.spec.withLines && row.key !== null) {
        const detail = await this.client.getPage(ctx, `${this.spec.path}/${encodeURIComponent(row.key)}`);
        // Gone between the grid and its detail page: the next pass (or reconciliation) sees it.
        if (detail === null) continue;
        lines = this.parse(() => parseDetail(detail)).lines ?? undefined;
      }
      const rendering = { key: row.key ?? '', fields: row.fields, ...(lines ? { lines } : {}) };
      const record = validatedRecord(
        this.spec.entity,
        this.spec.record,
        tomWireRecord(rendering),
        (r) => this.spec.deleted?.(r) ?? false,
      );
      records.push(record);
      const also = this.spec.also;
      if (also && record.kind === 'record' && also.when(record.raw as z.infer<S>)) {
        records.push({ ...record, entity: also.entity });
      }
    }
    const more = grid.page < grid.pages;
    const latest = watermark ?? at.since ?? tomLocalDateOf(ctx.now());
    const next: Checkpoint = more
      ? { ...at, page: at.page + 1, watermark }
      : { mode: 'since', page: 1, since: dayBefore(latest), watermark: null };
    return {
      records,
      checkpoint: JSON.stringify(next),
      caughtUp: !more,
      ...(at.mode === 'full' ? { total: grid.total } : {}),
    };
  }

  private parseCheckpoint(text: string, ctx: SyncContext): Checkpoint {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = checkpointSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.logger.warn({ stream: this.stream }, 'unreadable TOM checkpoint: reading the grid from the start');
    return { mode: 'full', page: 1, since: null, watermark: null };
  }

  /** A page that is not the grid: the sign-in page is the session gone; anything else the vendor's fault. */
  private parse<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof PageShapeError && error.signInPage) {
        throw new VendorCallError(
          { kind: 'unauthorized', status: 200 },
          `Total Office Manager: ${this.spec.path} showed the sign-in page`,
        );
      }
      if (error instanceof PageShapeError) throw this.unavailable(`${this.spec.path}: ${error.message}`);
      throw error;
    }
  }

  private unavailable(message: string): VendorCallError {
    return new VendorCallError({ kind: 'unavailable', message }, `Total Office Manager: ${message}`);
  }
}
