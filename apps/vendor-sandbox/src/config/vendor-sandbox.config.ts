import { baseEnv, httpEnv } from '@fieldsync/platform';
import { z } from 'zod';

/**
 * The vendor-sandbox environment. The sandbox is a self-contained simulator: no Postgres, no NATS.
 * PORT is its control/health listener; the five portals (4101–4105) get their variables with them.
 */
export const vendorSandboxConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(4100).shape,
});
export type VendorSandboxConfig = z.output<typeof vendorSandboxConfigSchema>;
