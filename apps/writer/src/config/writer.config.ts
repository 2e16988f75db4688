import {
  baseEnv,
  browserEnv,
  databaseEnv,
  durationAtLeast,
  httpEnv,
  integerEnv,
  natsEnv,
  streamsEnv,
} from '@fieldsync/platform';
import { z } from 'zod';

const count = integerEnv;
const atLeast = durationAtLeast;

/** The writer environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const writerConfigSchema = z
  .object({
    ...baseEnv.shape,
    ...httpEnv(3003).shape,
    ...databaseEnv.shape,
    ...natsEnv.shape,
    ...streamsEnv.shape,
    ...browserEnv.shape,
    WRITER_WORKER_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits, _ . : or -')
      .optional(),
    WRITER_CONCURRENCY: count(1, 256, 16),
    WRITER_CONNECTION_CONCURRENCY: count(1, 256, 8),
    WRITER_REQUESTS_PER_SECOND: z.coerce
      .number({ error: 'must be a number' })
      .positive('must be greater than 0')
      .max(1000, 'must be at most 1000')
      .default(20),
    WRITER_IDEMPOTENCY_TTL: atLeast(60_000, '1m').default(24 * 3_600_000),
    WRITER_IN_FLIGHT_WAIT: atLeast(0, '0ms').default(10_000),
    WRITER_LEASE: atLeast(1_000, '1s').default(60_000),
    WRITER_ACK_WAIT: atLeast(1_000, '1s').default(30_000),
    WRITER_MAX_ATTEMPTS: count(1, 20, 5),
    WRITER_BROWSER_CONCURRENCY: count(1, 32, 1),
    WRITER_RETRY_BASE: atLeast(1, '1ms').default(500),
    WRITER_RETRY_MAX: atLeast(1, '1ms').default(30_000),
    WRITER_MAX_RETRY_AFTER: atLeast(1_000, '1s').default(300_000),
    WRITER_VENDOR_TIMEOUT: atLeast(1_000, '1s').default(30_000),
    WRITER_PURGE_INTERVAL: atLeast(1_000, '1s').default(600_000),
    /**
     * Fault injection for the crash tests: the probability (0-1) that the writer SIGKILLs itself right
     * after the vendor accepted a write and before any bookkeeping. Refused in production.
     */
    WRITER_TEST_CRASH_AFTER_VENDOR_WRITE: z.coerce
      .number({ error: 'must be a number between 0 and 1' })
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .default(0),
  })
  .superRefine((config, ctx) => {
    if (config.WRITER_TEST_CRASH_AFTER_VENDOR_WRITE > 0 && config.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['WRITER_TEST_CRASH_AFTER_VENDOR_WRITE'],
        message: 'is a test-only fault injection and must be 0 in production',
      });
    }
  });
export type WriterConfig = z.output<typeof writerConfigSchema>;
