import {
  adminEnv,
  sessionTokenEnv,
  baseEnv,
  databaseEnv,
  durationAtLeast,
  httpEnv,
  integerEnv,
  natsEnv,
  streamsEnv,
} from '@fieldsync/platform';
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
  ...sessionTokenEnv.shape,
  /** How long a write call waits for its command's result before answering 202 with Location. */
  API_COMMAND_WAIT: durationAtLeast(100, '100ms').default(10_000),
  /** Requests each API key may make per API_RATE_LIMIT_WINDOW (per api process). */
  API_RATE_LIMIT: integerEnv(1, 1_000_000, 1_200),
  API_RATE_LIMIT_WINDOW: durationAtLeast(1_000, '1s').default(60_000),
  /** The session manager's HTTP base URL, for `POST /sessions` and `/sessions/refresh` (unset: 503). */
  SESSION_MANAGER_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The webhook dispatcher's HTTP base URL: `/webhook-endpoints` and `/webhook-messages` are served through
   * its operator API (FIELDSYNC_ADMIN_TOKEN) for the caller's tenant (unset: 503).
   */
  WEBHOOK_DISPATCHER_URL: z.url({ protocol: /^https?$/ }).optional(),
});
export type ApiConfig = z.output<typeof apiConfigSchema>;
