import type { EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import { z } from 'zod';

/** One grid of a sequence, and how its records' external ids are written (credit memos: `CM-<n>`). */
export interface SequencePart {
  readonly reader: StreamReader;
  readonly externalId?: (key: string) => string;
}

const checkpointSchema = z.strictObject({
  /** The grid being read. */
  part: z.number().int().min(0),
  /** Each grid's own checkpoint. */
  checkpoints: z.array(z.string().nullable()),
  /** Each grid's total as its full read reported it (for the stream's total). */
  totals: z.array(z.number().int().min(0).nullable()),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * One stream over several grids read one after the other under one checkpoint (TOM's invoices, then its
 * credit memos): the stream that reconciles an entity must see every record of it in its pass, or the
 * pass would tombstone what another stream read (docs/tom.md). A pass from the start reads every grid
 * from the start; each grid keeps its own incremental checkpoint; the stream is caught up when the last
 * grid is.
 */
export class TomSequenceReader implements StreamReader {
  readonly entities: readonly EntityType[];
  readonly signalsDeletes = false;

  constructor(
    readonly stream: string,
    readonly intervalMs: number,
    private readonly parts: readonly SequencePart[],
  ) {
    if (parts.length === 0) throw new RangeError('a sequence reads at least one grid');
    this.entities = [...new Set(parts.flatMap((p) => p.reader.entities))];
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const at = checkpoint === null ? this.start() : this.parse(checkpoint, ctx);
    const part = this.parts[at.part];
    if (!part) throw new RangeError(`no part ${String(at.part)}`);
    const page = await part.reader.readPage(ctx, at.checkpoints[at.part] ?? null);
    const rename = part.externalId;
    const records: VendorRecord[] = rename
      ? page.records.map((r) => (r.externalId === null ? r : { ...r, externalId: rename(r.externalId) }))
      : [...page.records];
    const checkpoints = at.checkpoints.map((c, i) => (i === at.part ? page.checkpoint : c));
    const totals = at.totals.map((t, i) => (i === at.part && page.total !== undefined ? page.total : t));
    const last = at.part === this.parts.length - 1;
    const next: Checkpoint = {
      part: page.caughtUp ? (last ? 0 : at.part + 1) : at.part,
      checkpoints,
      totals,
    };
    const known = totals.filter((t): t is number => t !== null);
    return {
      records,
      checkpoint: JSON.stringify(next),
      caughtUp: page.caughtUp && last,
      ...(page.total !== undefined ? { total: known.reduce((sum, t) => sum + t, 0) } : {}),
    };
  }

  private start(): Checkpoint {
    return {
      part: 0,
      checkpoints: this.parts.map(() => null),
      totals: this.parts.map(() => null),
    };
  }

  private parse(text: string, ctx: SyncContext): Checkpoint {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = checkpointSchema.safeParse(value);
    if (
      parsed.success &&
      parsed.data.part < this.parts.length &&
      parsed.data.checkpoints.length === this.parts.length &&
      parsed.data.totals.length === this.parts.length
    ) {
      return parsed.data;
    }
    // An invoices checkpoint from before credit memos were read (a TomGridReader's own): read the whole
    // sequence from the start, once.
    ctx.logger.warn(
      { stream: this.stream },
      'unreadable TOM sequence checkpoint: reading its grids from the start',
    );
    return this.start();
  }
}
