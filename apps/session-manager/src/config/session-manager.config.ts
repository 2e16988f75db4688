import { baseEnv, databaseEnv, httpEnv, natsEnv, streamsEnv, vaultEnv } from '@fieldsync/platform';
import { z } from 'zod';

/** The session-manager environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const sessionManagerConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3001).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
  ...vaultEnv.shape,
});
export type SessionManagerConfig = z.output<typeof sessionManagerConfigSchema>;
