import type { EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import { z } from 'zod';
import type { CallContext, WorkizClient } from '../workiz.client';
import {
  parseListCheckpoint,
  readListPage,
  startOf,
  type ListCheckpoint,
  type ListSpec,
} from './paging.util';
import { driftIssues, validatedRecord } from './wire-record.util';

/*
 * A Workiz stream: one or more lists of the vendor read one after the other (readers/paging.util.ts).
 * Every row is checked against its wire schema first: one that does not fit (a renamed field) becomes a
 * drift record with its issues and the rest of the page goes on. A valid row becomes one or more records
 * (`expand`: a client and its service locations; a job with its team resolved; each text of an SMS thread),
 * each validated against its record schema. The streams are described in readers/<family>.reader.ts.
 */

export const FAST_MS = 60_000;
export const NORMAL_MS = 5 * 60_000;
export const SLOW_MS = 15 * 60_000;

/** A record a row becomes. */
export interface Emitted {
  readonly entity: EntityType;
  readonly externalId: string;
  readonly schema: z.ZodType;
  readonly raw: unknown;
}

/** What `expand` may call: the client and the call context (the account's zone, the team directory). */
export interface ExpandContext {
  readonly client: WorkizClient;
  readonly ctx: CallContext;
}

/** One list of a stream: where it is, what its rows are, and the records each valid row becomes. */
export interface SourceSpec<S extends z.ZodType> {
  readonly list: ListSpec;
  /** The entity a drifted row is reported as. */
  readonly entity: EntityType;
  readonly row: S;
  /** The id of a row, read tolerantly (drift keeps it when it can). */
  readonly idOf: (raw: unknown) => string | null;
  readonly expand: (rows: readonly z.infer<S>[], x: ExpandContext) => Promise<Emitted[][]>;
}

/** One stream: its name, entities, interval, what it reconciles, and its lists in order. */
export interface StreamSpec {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  /** StreamReader.reconciles (default: every entity it yields). */
  readonly reconciles?: readonly EntityType[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each source has its own row schema
  readonly sources: readonly SourceSpec<any>[];
}

/** A list of a stream, its row type inferred from its schema. */
export const sourceSpec = <S extends z.ZodType>(spec: SourceSpec<S>): SourceSpec<S> => spec;

const streamCheckpointSchema = z.strictObject({ source: z.int().min(0), at: z.unknown() });

export class WorkizStreamReader implements StreamReader {
  readonly stream: string;
  readonly entities: readonly EntityType[];
  readonly intervalMs: number;
  /** Workiz's lists say nothing of deleted records: deletes are found by reconciliation. */
  readonly signalsDeletes = false;
  readonly reconciles: readonly EntityType[];

  constructor(
    private readonly client: WorkizClient,
    private readonly spec: StreamSpec,
  ) {
    this.stream = spec.stream;
    this.entities = spec.entities;
    this.intervalMs = spec.intervalMs;
    this.reconciles = spec.reconciles ?? spec.entities;
    this.oneRecordPerRow = spec.sources.length === 1 && spec.entities.length === 1;
  }

  private readonly oneRecordPerRow: boolean;

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const { index, at } = this.position(checkpoint);
    const source = this.spec.sources[index];
    if (!source) throw new Error(`Workiz ${this.stream}: no list ${index}`);
    const page = await readListPage(this.client, ctx, source.list, at);
    const records: VendorRecord[] = [];
    const valid: unknown[] = [];
    const order: (VendorRecord | number)[] = [];
    for (const raw of page.rows) {
      const parsed = (source.row as z.ZodType).safeParse(raw);
      if (parsed.success) {
        order.push(valid.length);
        valid.push(parsed.data);
      } else {
        order.push({
          kind: 'drift',
          entity: source.entity,
          externalId: source.idOf(raw),
          raw,
          issues: driftIssues(parsed.error),
        });
      }
    }
    const expanded = valid.length === 0 ? [] : await source.expand(valid, { client: this.client, ctx });
    for (const item of order) {
      if (typeof item !== 'number') {
        records.push(item);
        continue;
      }
      for (const e of expanded[item] ?? [])
        records.push(validatedRecord(e.entity, e.schema, e.raw, e.externalId));
    }
    const last = index === this.spec.sources.length - 1;
    const restartFirst = (): string =>
      JSON.stringify({ source: 0, at: this.restartOf(0, index === 0 ? page.restart : null) });
    let next: string;
    let caughtUp = false;
    if (page.next !== null) next = JSON.stringify({ source: index, at: page.next });
    else if (!last) next = JSON.stringify({ source: index + 1, at: this.resumeOf(index + 1, checkpoint) });
    else {
      next = restartFirst();
      caughtUp = true;
    }
    return {
      records,
      checkpoint: next,
      caughtUp,
      // The vendor's count is the stream's record count only where each row is one record of one list.
      ...(checkpoint === null && page.total !== undefined && this.oneRecordPerRow
        ? { total: page.total }
        : {}),
    };
  }

  /** The list and its checkpoint a stream checkpoint points at (null: the first list, a full pass). */
  private position(checkpoint: string | null): { index: number; at: ListCheckpoint } {
    const first = this.spec.sources[0];
    if (!first) throw new Error(`Workiz ${this.stream}: no lists`);
    if (checkpoint === null) return { index: 0, at: startOf(first.list) };
    let value: unknown;
    try {
      value = JSON.parse(checkpoint);
    } catch {
      throw new Error(`Workiz ${this.stream}: unreadable checkpoint ${checkpoint}`);
    }
    const parsed = streamCheckpointSchema.parse(value);
    const source = this.spec.sources[parsed.source];
    if (!source)
      throw new Error(`Workiz ${this.stream}: checkpoint for list ${parsed.source}, which it has not`);
    return { index: parsed.source, at: parseListCheckpoint(this.stream, parsed.at) };
  }

  /**
   * Where list `i` starts within a pass: in the phase the pass is in (a full pass reads every list in full;
   * an incremental one reads the API lists' windows).
   */
  private resumeOf(i: number, checkpoint: string | null): ListCheckpoint {
    const source = this.spec.sources[i];
    if (!source) throw new Error(`Workiz ${this.stream}: no list ${i}`);
    const start = startOf(source.list);
    if (start.kind !== 'api' || checkpoint === null) return start;
    // An incremental pass reads every API list of the stream in its window.
    const current = this.position(checkpoint).at;
    return current.kind === 'api' ? { ...start, phase: current.phase } : start;
  }

  private restartOf(i: number, restart: ListCheckpoint | null): ListCheckpoint {
    const source = this.spec.sources[i];
    if (!source) throw new Error(`Workiz ${this.stream}: no list ${i}`);
    if (restart !== null) return restart;
    const start = startOf(source.list);
    return start.kind === 'api' ? { ...start, phase: 'window' } : start;
  }
}
