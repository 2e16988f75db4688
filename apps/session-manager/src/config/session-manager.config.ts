import {
  adminEnv,
  sessionTokenEnv,
  adminTokenRequiredInProduction,
  browserEnv,
  baseEnv,
  databaseEnv,
  durationMs,
  httpEnv,
  natsEnv,
  streamsEnv,
  vaultEnv,
} from '@fieldsync/platform';
import { VENDORS, type Vendor } from '@fieldsync/canonical-model';
import { z } from 'zod';

export interface SessionPolicyOverride {
  idleMs?: number;
  absoluteMs?: number;
}

const DURATION_RE = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `SESSION_TIMEOUTS`: `vendor.idle=<duration>` / `vendor.absolute=<duration>`, comma-separated. */
const sessionTimeouts = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const result: Partial<Record<Vendor, SessionPolicyOverride>> = {};
    for (const entry of value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const match = /^([a-z]+)\.(idle|absolute)=(.+)$/.exec(entry);
      const vendor = match?.[1] as Vendor | undefined;
      const duration = match?.[3] === undefined ? undefined : DURATION_RE.exec(match[3]);
      if (!match || !vendor || !VENDORS.includes(vendor) || !duration?.[1]) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" must be <vendor>.idle=<duration> or <vendor>.absolute=<duration> with vendor one of ${VENDORS.join(', ')}`,
        });
        return z.NEVER;
      }
      const ms = Number(duration[1]) * UNIT_MS[(duration[2] ?? 'ms') as keyof typeof UNIT_MS];
      const key = match[2] === 'idle' ? 'idleMs' : 'absoluteMs';
      result[vendor] = { ...result[vendor], [key]: ms };
    }
    return result;
  });

const flag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true');

/** The session-manager environment (README "Environment"); parsed once by bootstrapService before Nest starts. */
export const sessionManagerConfigSchema = z
  .object({
    ...baseEnv.shape,
    ...httpEnv(3001).shape,
    ...databaseEnv.shape,
    ...natsEnv.shape,
    ...streamsEnv.shape,
    ...vaultEnv.shape,
    ...adminEnv.shape,
    ...sessionTokenEnv.shape,
    ...browserEnv.shape,
    SESSION_BROWSER_CONCURRENCY: z.coerce
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(32, 'must be at most 32')
      .default(2),
    SESSION_LOGIN_TIMEOUT: durationMs.default(120_000),
    SESSION_MFA_TIMEOUT: durationMs.default(120_000),
    SESSION_REFRESH_INTERVAL: durationMs.default(30_000),
    SESSION_REFRESH_MARGIN: durationMs.default(600_000),
    SESSION_VERIFY_AFTER: durationMs.default(60_000),
    SESSION_RETRY_BASE: durationMs.default(5_000),
    SESSION_RETRY_MAX: durationMs.default(900_000),
    SESSION_TOKEN_TTL: durationMs.default(3_600_000),
    SESSION_TIMEOUTS: sessionTimeouts,
    SESSION_AUTO_LOGIN: flag(true),
    // Logging sessions out at the vendor (AuthFlow.logout: TOM's licensed seats): each logout's bound,
    // and whether SIGTERM logs out every live session before the process ends.
    SESSION_RELEASE_TIMEOUT: durationMs.default(5_000),
    SESSION_RELEASE_ON_SHUTDOWN: flag(true),
    // The inbound MFA relay (src/mfa): unset token = `POST /mfa/inbound` answers 503.
    FIELDSYNC_MFA_RELAY_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    FIELDSYNC_MFA_SANDBOX_OUTBOX: flag(false),
    FIELDSYNC_MFA_CLOCK_SKEW: durationMs.default(2_000),
    FIELDSYNC_MFA_POLL_INTERVAL: durationMs
      .refine((ms) => ms >= 50, { error: 'must be at least 50ms' })
      .default(500),
    FIELDSYNC_MFA_RETENTION: durationMs.default(3_600_000),
    FIELDSYNC_MFA_PURGE_INTERVAL: durationMs
      .refine((ms) => ms >= 1_000, { error: 'must be at least 1s' })
      .default(300_000),
  })
  .superRefine(adminTokenRequiredInProduction)
  .superRefine((config, ctx) => {
    if (
      config.SESSION_RELEASE_ON_SHUTDOWN &&
      config.SESSION_RELEASE_TIMEOUT >= config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_RELEASE_TIMEOUT'],
        message: `must be shorter than FIELDSYNC_SHUTDOWN_TIMEOUT_MS (${String(config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS)}ms): the logouts run inside the shutdown`,
      });
    }
  });
export type SessionManagerConfig = z.output<typeof sessionManagerConfigSchema>;
