import type { EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import type { ServiceTitanClient } from '../servicetitan.client';
import { envelope } from '../servicetitan-list.util';
import { servicetitanExportPageSchema, servicetitanListPageSchema } from '../servicetitan.schemas';
import { drift, idOf, issuesOf } from './wire-record.util';

/*
 * A ServiceTitan stream is one export feed (`/{module}/v2/tenant/{tenant}/export/{feed}`). A page is one
 * export batch; the checkpoint is the feed's `continueFrom` token, so a resumed stream gets exactly the
 * rows written after the last stored page, inactive and deleted ones included. Every row is checked
 * against its strict wire schema: a row that does not fit becomes a drift record with its issues and the
 * rest of the page goes on. Every resource the sandbox models has an export feed, so no stream needs the
 * `modifiedOnOrAfter` fallback. The feeds themselves are described in readers/<family>.reader.ts.
 */

/** Near real time for the dispatch board, minutes for the rest, slow for the price book. */
export const FAST_MS = 15_000;
export const NORMAL_MS = 60_000;
export const SLOW_MS = 15 * 60_000;

/** One export feed: where it is, what its rows look like, and what deletion looks like in them. */
export interface ExportFeed<S extends z.ZodType> {
  readonly stream: string;
  readonly module: string;
  readonly feed: string;
  readonly entity: EntityType;
  readonly intervalMs: number;
  readonly row: S;
  /** Whether rows say "deleted" (and then `deleted(row)` says which); false: inactive ≠ deleted. */
  readonly signalsDeletes: boolean;
  /** The entities a complete pass sees in full (StreamReader.reconciles); default: the feed's entity. */
  readonly reconciles?: readonly EntityType[];
  /** A pass from the start reports the feed's row count (default true; a chained part's alone says little). */
  readonly reportsTotal?: boolean;
  deleted(row: z.infer<S>): boolean;
  /** Valid rows → records (default: one record per row, the row as raw). */
  records?(
    ctx: SyncContext,
    client: ServiceTitanClient,
    rows: readonly z.infer<S>[],
  ): Promise<VendorRecord[]>;
}

/** An export feed's description, its row type inferred from its schema (for `deleted` and `records`). */
export const exportFeed = <S extends z.ZodType>(feed: ExportFeed<S>): ExportFeed<S> => feed;

export class ExportStreamReader<S extends z.ZodType> implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  readonly signalsDeletes: boolean;
  readonly reconciles?: readonly EntityType[];

  constructor(
    private readonly client: ServiceTitanClient,
    private readonly feed: ExportFeed<S>,
  ) {
    this.stream = feed.stream;
    this.entities = [feed.entity];
    this.intervalMs = feed.intervalMs;
    this.signalsDeletes = feed.signalsDeletes;
    if (feed.reconciles) this.reconciles = feed.reconciles;
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const { module, feed } = this.feed;
    // A pass from the start reports how many rows to expect (the backfill's ETA).
    const total =
      checkpoint === null && this.feed.reportsTotal !== false ? await this.countRows(ctx) : undefined;
    const body = await this.client.get(
      ctx,
      module,
      `export/${feed}`,
      checkpoint === null ? {} : { from: checkpoint },
    );
    const page = envelope(servicetitanExportPageSchema, body, `${module}/export/${feed}`);
    const drifts: VendorRecord[] = [];
    const rows: z.infer<S>[] = [];
    for (const raw of page.data) {
      const parsed = this.feed.row.safeParse(raw);
      if (parsed.success) rows.push(parsed.data);
      else drifts.push(drift(this.feed.entity, raw, issuesOf(parsed.error)));
    }
    const records = this.feed.records
      ? await this.feed.records(ctx, this.client, rows)
      : rows.map((row) => this.record(row));
    return {
      records: [...records, ...drifts],
      checkpoint: page.continueFrom,
      caughtUp: !page.hasMore,
      ...(total === undefined ? {} : { total }),
    };
  }

  /**
   * The feed's row count from its transactional list (`includeTotal`, every row active or not): an
   * estimate of what a pass from the start reads (exports also hold deleted rows). A rate limit or
   * outage is the page's failure like any call; an unreadable count only leaves the ETA out.
   */
  private async countRows(ctx: SyncContext): Promise<number | undefined> {
    const { module, feed } = this.feed;
    const body = await this.client.get(ctx, module, feed, {
      page: '1',
      pageSize: '1',
      includeTotal: 'true',
      active: 'Any',
    });
    const parsed = servicetitanListPageSchema.safeParse(body);
    return parsed.success ? (parsed.data.totalCount ?? undefined) : undefined;
  }

  private record(row: z.infer<S>): VendorRecord {
    const externalId = idOf(row);
    if (externalId === null) throw new Error(`ServiceTitan export/${this.feed.feed}: a valid row has no id`);
    return {
      kind: 'record',
      entity: this.feed.entity,
      externalId,
      raw: row,
      deleted: this.feed.deleted(row),
    };
  }
}
