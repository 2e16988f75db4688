import { z } from 'zod';

const TOKEN_RE = /^[A-Za-z0-9_-]+$/;
const DAY_MS = 24 * 60 * 60 * 1000;

const perStream = (defaults: { maxAgeMs: number; discard: 'old' | 'new' }) =>
  z
    .object({
      /** 0 = unlimited. */
      maxAgeMs: z.int().min(0).default(defaults.maxAgeMs),
      /** -1 = unlimited (falls back to the top-level maxBytes when omitted). */
      maxBytes: z.int().min(-1).optional(),
      /** What a full stream does: drop the oldest message (`old`) or reject the publish (`new`). */
      discard: z.enum(['old', 'new']).default(defaults.discard),
    })
    .strict()
    .prefault({});

/**
 * Configuration of the four streams (DESIGN.md: replicas, max age and dedup window come from config).
 * Values are plain numbers so that libs/platform can map environment variables straight onto it.
 */
export const StreamsConfigSchema = z
  .object({
    /** FIELDSYNC_STREAM_PREFIX: '' (the public names) or one token; streams become `<p>_FSM_*`, subjects `<p>.fsm.*`. */
    prefix: z
      .string()
      .default('')
      .refine((p) => p === '' || TOKEN_RE.test(p), {
        message: 'prefix must be empty or one subject token of A-Z a-z 0-9 _ -',
      }),
    /** 1 on a laptop, 3 in a cluster (max 5). */
    replicas: z.int().min(1).max(5).default(1),
    storage: z.enum(['file', 'memory']).default('file'),
    /** Default for every stream; -1 = unlimited. */
    maxBytes: z.int().min(-1).default(-1),
    /** JetStream de-duplication window for `Nats-Msg-Id` (NATS default 2 min). */
    duplicateWindowMs: z
      .int()
      .min(100)
      .default(2 * 60 * 1000),
    events: perStream({ maxAgeMs: 7 * DAY_MS, discard: 'old' }),
    /** Work queue: rejecting a publish beats silently dropping an unexecuted command. */
    commands: perStream({ maxAgeMs: 7 * DAY_MS, discard: 'new' }),
    results: perStream({ maxAgeMs: 7 * DAY_MS, discard: 'old' }),
    dlq: perStream({ maxAgeMs: 30 * DAY_MS, discard: 'old' }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const kind of ['events', 'commands', 'results', 'dlq'] as const) {
      const age = cfg[kind].maxAgeMs;
      if (age > 0 && cfg.duplicateWindowMs > age) {
        ctx.addIssue({
          code: 'custom',
          path: [kind, 'maxAgeMs'],
          message: `maxAgeMs (${age}) must be at least duplicateWindowMs (${cfg.duplicateWindowMs})`,
        });
      }
    }
  });

export type StreamsConfig = z.output<typeof StreamsConfigSchema>;
export type StreamsConfigInput = z.input<typeof StreamsConfigSchema>;

/** Parses (and defaults) a streams config; throws a zod error naming the bad field. */
export function parseStreamsConfig(input: StreamsConfigInput = {}): StreamsConfig {
  return StreamsConfigSchema.parse(input);
}
