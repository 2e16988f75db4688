import { baseEnv, databaseEnv, httpEnv, natsEnv, streamsEnv } from '@fieldsync/platform';
import { z } from 'zod';

/** The api environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const apiConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3000).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
});
export type ApiConfig = z.output<typeof apiConfigSchema>;
