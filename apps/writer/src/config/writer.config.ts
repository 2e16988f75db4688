import { baseEnv, databaseEnv, httpEnv, natsEnv, streamsEnv } from '@fieldsync/platform';
import { z } from 'zod';

/** The writer environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const writerConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3003).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
});
export type WriterConfig = z.output<typeof writerConfigSchema>;
