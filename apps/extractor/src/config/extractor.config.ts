import { VENDORS } from '@fieldsync/canonical-model';
import {
  baseEnv,
  databaseEnv,
  durationAtLeast,
  httpEnv,
  integerEnv,
  natsEnv,
  streamsEnv,
} from '@fieldsync/platform';
import { z } from 'zod';

const DURATION_RE = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `EXTRACTOR_STREAM_INTERVALS`: comma-separated `<stream>=<duration>` (every vendor) or
 * `<vendor>.<stream>=<duration>` (one vendor, wins), e.g. `jobs=15s,servicetitan.pricebook-items=1h`.
 */
const streamIntervals = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const result = new Map<string, number>();
    for (const entry of value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const match = /^(?:([a-z]+)\.)?([a-z0-9][a-z0-9_-]*)=(.+)$/.exec(entry);
      const duration = match?.[3] === undefined ? undefined : DURATION_RE.exec(match[3].trim());
      const vendor = match?.[1];
      const amount = duration?.[1];
      if (
        !match?.[2] ||
        !duration ||
        amount === undefined ||
        Number(amount) <= 0 ||
        (vendor !== undefined && !(VENDORS as readonly string[]).includes(vendor))
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" must be <stream>=<duration> or <vendor>.<stream>=<duration> (vendor one of ${VENDORS.join(', ')}, duration > 0)`,
        });
        return z.NEVER;
      }
      const ms = Number(amount) * UNIT_MS[(duration[2] ?? 'ms') as keyof typeof UNIT_MS];
      result.set(vendor === undefined ? match[2] : `${vendor}.${match[2]}`, ms);
    }
    return result;
  });

const count = integerEnv;
const atLeast = durationAtLeast;

/** The extractor environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const extractorConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3002).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
  EXTRACTOR_WORKER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits, _ . : or -')
    .optional(),
  EXTRACTOR_CONCURRENCY: count(1, 256, 8),
  EXTRACTOR_CONNECTION_CONCURRENCY: count(1, 32, 2),
  EXTRACTOR_REQUESTS_PER_SECOND: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be greater than 0')
    .max(1000, 'must be at most 1000')
    .optional(),
  EXTRACTOR_LEASE: atLeast(1_000, '1s').default(60_000),
  EXTRACTOR_POLL_INTERVAL: atLeast(50, '50ms').default(1_000),
  EXTRACTOR_MAX_ATTEMPTS: count(1, 100, 6),
  EXTRACTOR_RETRY_BASE: atLeast(1, '1ms').default(500),
  EXTRACTOR_RETRY_MAX: atLeast(1, '1ms').default(30_000),
  EXTRACTOR_MAX_RETRY_AFTER: atLeast(1_000, '1s').default(300_000),
  EXTRACTOR_VENDOR_TIMEOUT: atLeast(100, '100ms').default(60_000),
  EXTRACTOR_FAILURE_BACKOFF: atLeast(100, '100ms').default(5_000),
  EXTRACTOR_RECONCILE_INTERVAL: atLeast(1_000, '1s').default(21_600_000),
  EXTRACTOR_DRIFT_RETRY: atLeast(1_000, '1s').default(900_000),
  EXTRACTOR_CONNECTIONS_REFRESH: atLeast(1_000, '1s').default(30_000),
  EXTRACTOR_STREAM_INTERVALS: streamIntervals,
});
export type ExtractorConfig = z.output<typeof extractorConfigSchema>;
