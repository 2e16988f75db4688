import type { EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import type { CallContext, HousecallProClient } from '../housecallpro.client';
import { readListPage, type ListSpec } from './paging.util';
import { validatedRecord } from './wire-record.util';

/*
 * A Housecall Pro stream: one list of the vendor's API, read page by page (readers/paging.util.ts). Every
 * row is checked against its wire schema: one that does not fit becomes a drift record with its issues
 * and the rest of the page goes on. A row may also carry child records (a customer's service addresses),
 * yielded after it. The streams themselves are described in readers/<family>.reader.ts.
 */

export const NORMAL_MS = 60_000;
export const SLOW_MS = 15 * 60_000;

/** One stream: its name, its list, the entity its rows are, their wire schema, and children they carry. */
export interface StreamSpec<S extends z.ZodType> {
  readonly stream: string;
  readonly list: ListSpec;
  readonly entity: EntityType;
  readonly intervalMs: number;
  readonly row: S;
  /** StreamReader.reconciles (default: every entity it yields). */
  readonly reconciles?: readonly EntityType[];
  /**
   * Optional: turns the list's rows into the records' payloads with further calls (an invoice gets its
   * job's customer), before validation.
   */
  readonly assemble?: (
    client: HousecallProClient,
    ctx: CallContext,
    rows: readonly unknown[],
  ) => Promise<unknown[]>;
  /** Records carried inside a valid row (entity and payload), validated by the mapper's wire schema. */
  readonly children?: {
    readonly entities: readonly EntityType[];
    of(row: z.infer<S>): readonly { entity: EntityType; schema: z.ZodType; raw: unknown }[];
  };
}

/** A stream's description, its row type inferred from its schema. */
export const streamSpec = <S extends z.ZodType>(spec: StreamSpec<S>): StreamSpec<S> => spec;

export class HousecallProStreamReader<S extends z.ZodType> implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  /** Housecall Pro's lists say nothing of deleted rows: deletes are found by reconciliation. */
  readonly signalsDeletes = false;
  readonly reconciles: readonly EntityType[];

  constructor(
    private readonly client: HousecallProClient,
    private readonly spec: StreamSpec<S>,
  ) {
    this.stream = spec.stream;
    this.entities = [spec.entity, ...(spec.children?.entities ?? [])];
    this.intervalMs = spec.intervalMs;
    this.reconciles = spec.reconciles ?? this.entities;
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const page = await readListPage(this.client, ctx, this.stream, this.spec.list, checkpoint);
    const records: VendorRecord[] = [];
    const rows = this.spec.assemble ? await this.spec.assemble(this.client, ctx, page.rows) : page.rows;
    for (const raw of rows) {
      const record = validatedRecord(this.spec.entity, this.spec.row, raw, () => false);
      records.push(record);
      if (record.kind === 'record' && this.spec.children) {
        for (const child of this.spec.children.of(record.raw as z.infer<S>)) {
          records.push(validatedRecord(child.entity, child.schema, child.raw, () => false));
        }
      }
    }
    return {
      records,
      checkpoint: page.checkpoint,
      caughtUp: !page.hasMore,
      ...(page.total === undefined ? {} : { total: page.total }),
    };
  }
}
