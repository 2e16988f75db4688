import {
  adminEnv,
  adminTokenRequiredInProduction,
  baseEnv,
  databaseEnv,
  httpEnv,
  natsEnv,
  streamsEnv,
  vaultEnv,
} from '@fieldsync/platform';
import { z } from 'zod';
import { deliveryEnv } from './delivery.config';

/** The webhook-dispatcher environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const webhookDispatcherConfigSchema = z
  .object({
    ...baseEnv.shape,
    ...httpEnv(3004).shape,
    ...databaseEnv.shape,
    ...natsEnv.shape,
    ...streamsEnv.shape,
    ...vaultEnv.shape,
    ...adminEnv.shape,
    ...deliveryEnv.shape,
  })
  .superRefine(adminTokenRequiredInProduction);
export type WebhookDispatcherConfig = z.output<typeof webhookDispatcherConfigSchema>;
