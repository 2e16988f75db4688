import { adminEnv, baseEnv, databaseEnv, httpEnv, natsEnv, streamsEnv } from '@fieldsync/platform';
import { z } from 'zod';

/**
 * The api environment (README "Environment"); parsed once by bootstrapService before Nest starts.
 * FIELDSYNC_ADMIN_TOKEN is the operator's token for `/api-keys`; unset, those operator calls are refused
 * (closed, never open) and only admin-scoped keys manage keys.
 */
export const apiConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(3000).shape,
  ...databaseEnv.shape,
  ...natsEnv.shape,
  ...streamsEnv.shape,
  ...adminEnv.shape,
});
export type ApiConfig = z.output<typeof apiConfigSchema>;
