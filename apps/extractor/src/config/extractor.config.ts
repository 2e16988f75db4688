import { baseEnv, databaseEnv, httpEnv, natsEnv, streamsEnv } from '@fieldsync/platform';
import { z } from 'zod';

/** The extractor environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const extractorConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3002).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
});
export type ExtractorConfig = z.output<typeof extractorConfigSchema>;
