import { z } from 'zod';

/*
 * The readers' checkpoints, JSON in `sync_cursors`. Every stream keeps `{ updatedAfter, cursor }`:
 * the `updatedAt` lower bound of its filter and the Relay cursor to resume after (mid page sequence or,
 * for the streams sorted by UPDATED_AT, after the last record ever read). The streams Jobber filters but
 * cannot sort by updatedAt (quotes, requests) also keep the versions they returned inside the overlap
 * window (`seen`, id → `<updatedAt>#<payload digest>`) so that re-reading the window returns nothing twice.
 */
export const jobberCheckpointSchema = z.strictObject({
  updatedAfter: z.iso.datetime({ offset: true }).nullable(),
  cursor: z.string().min(1).nullable(),
  /** Quotes/requests: the newest updatedAt returned so far. */
  newest: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Quotes/requests: id → `<updatedAt>#<digest>` of the versions returned inside the overlap window. */
  seen: z.record(z.string(), z.string()).optional(),
});
export type JobberCheckpoint = z.infer<typeof jobberCheckpointSchema>;

export const EMPTY_CHECKPOINT: JobberCheckpoint = { updatedAfter: null, cursor: null };

/** The stored checkpoint of `stream` (null: a backfill from the start); a bad one names the field. */
export function parseJobberCheckpoint(stream: string, checkpoint: string | null): JobberCheckpoint {
  if (checkpoint === null) return EMPTY_CHECKPOINT;
  let value: unknown;
  try {
    value = JSON.parse(checkpoint);
  } catch {
    throw new Error(`Jobber ${stream} checkpoint: not JSON`);
  }
  const parsed = jobberCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Jobber ${stream} checkpoint: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

export function serializeJobberCheckpoint(checkpoint: JobberCheckpoint): string {
  return JSON.stringify(checkpoint);
}
