import type { EntityType } from '@fieldsync/canonical-model';
import type { ReadPage, StreamReader, SyncContext } from '@fieldsync/connector-kit';
import { z } from 'zod';

/** Checkpoint of a chained stream: which feed is being read and each feed's `continueFrom`. */
const chainCheckpointSchema = z
  .object({ phase: z.number().int().nonnegative(), from: z.array(z.string().nullable()) })
  .strict();

/**
 * Several export feeds read one after the other as one stream. A page is one batch of the current
 * feed; the stream is caught up after the last feed's last batch, and the next pass starts again at
 * the first feed from its own `continueFrom`.
 */
export class ChainedExportReader implements StreamReader {
  readonly entities: readonly EntityType[];
  readonly signalsDeletes: boolean;

  constructor(
    readonly stream: string,
    readonly intervalMs: number,
    private readonly parts: readonly StreamReader[],
  ) {
    this.entities = [...new Set(parts.flatMap((p) => p.entities))];
    this.signalsDeletes = parts.every((p) => p.signalsDeletes);
  }

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const state = this.state(checkpoint);
    const part = this.parts[state.phase];
    if (!part)
      throw new Error(`ServiceTitan ${this.stream}: checkpoint phase ${state.phase} is out of range`);
    const page = await part.readPage(ctx, state.from[state.phase] ?? null);
    const from = this.parts.map((_, i) => (i === state.phase ? page.checkpoint : (state.from[i] ?? null)));
    const last = state.phase === this.parts.length - 1;
    const phase = !page.caughtUp ? state.phase : last ? 0 : state.phase + 1;
    return {
      records: page.records,
      checkpoint: JSON.stringify({ phase, from }),
      caughtUp: page.caughtUp && last,
    };
  }

  private state(checkpoint: string | null): z.infer<typeof chainCheckpointSchema> {
    if (checkpoint === null) return { phase: 0, from: this.parts.map(() => null) };
    let json: unknown;
    try {
      json = JSON.parse(checkpoint);
    } catch {
      json = undefined;
    }
    const parsed = chainCheckpointSchema.safeParse(json);
    if (!parsed.success || parsed.data.from.length !== this.parts.length) {
      throw new Error(`ServiceTitan ${this.stream}: the checkpoint is not one of this stream's`);
    }
    return parsed.data;
  }
}
