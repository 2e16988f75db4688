import { baseEnv, durationMs, httpEnv } from '@fieldsync/platform';
import { z } from 'zod';
import { DEFAULT_PORTAL_PORTS, isVendorId, type VendorId } from '../portal/vendor-ids.constants';

function parseDuration(value: string): number | undefined {
  const parsed = durationMs.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * `SANDBOX_PORTS`: `0` (every portal on a free port) or `vendor=port,…` over the defaults
 * (`servicetitan=4201,jobber=0`). An unknown vendor id is a config error.
 */
const sandboxPorts = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const ports: Record<VendorId, number> = { ...DEFAULT_PORTAL_PORTS };
    const text = value.trim();
    if (text === '') return ports;
    if (text === '0') {
      for (const id of Object.keys(ports) as VendorId[]) ports[id] = 0;
      return ports;
    }
    for (const entry of text.split(',')) {
      const [id, port, extra] = entry.split('=').map((s) => s.trim());
      const n = Number(port);
      if (
        id === undefined ||
        !isVendorId(id) ||
        extra !== undefined ||
        !/^\d+$/.test(port ?? '') ||
        n > 65_535
      ) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be 0 or a comma-separated list of vendor=port (vendors: servicetitan, jobber, workiz, housecallpro, tom)',
        });
        return z.NEVER;
      }
      ports[id] = n;
    }
    return ports;
  });

export interface TimeoutOverride {
  idleMs?: number;
  absoluteMs?: number;
}

/** `SANDBOX_SESSION_TIMEOUTS`: `vendor.idle=<duration>` / `vendor.absolute=<duration>`, comma-separated. */
const sessionTimeouts = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const result: Partial<Record<VendorId, TimeoutOverride>> = {};
    const text = value.trim();
    if (text === '') return result;
    for (const entry of text.split(',')) {
      const match = /^\s*([a-z]+)\.(idle|absolute)\s*=\s*(\S+)\s*$/.exec(entry);
      const ms = match?.[3] === undefined ? undefined : parseDuration(match[3]);
      const id = match?.[1];
      if (!match || id === undefined || !isVendorId(id) || ms === undefined || ms <= 0) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a comma-separated list of vendor.idle=<duration> or vendor.absolute=<duration> (e.g. jobber.idle=2s)',
        });
        return z.NEVER;
      }
      const current = result[id] ?? {};
      if (match[2] === 'idle') current.idleMs = ms;
      else current.absoluteMs = ms;
      result[id] = current;
    }
    return result;
  });

/**
 * The vendor-sandbox environment. The sandbox is a self-contained simulator: no Postgres, no NATS.
 * PORT is its control/health listener (and `GET /__sandbox/`, the portal index); each vendor portal
 * listens on its own port (SANDBOX_PORTS).
 */
export const vendorSandboxConfigSchema = z.object({
  ...baseEnv.shape,
  ...httpEnv(4100).shape,
  SANDBOX_PORTS: sandboxPorts,
  SANDBOX_SESSION_TIMEOUTS: sessionTimeouts,
  SANDBOX_LOCKOUT_DURATION: durationMs.default(30 * 60_000),
  SANDBOX_SEED: z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(4_294_967_295, 'must be at most 4294967295')
    .default(1),
  SANDBOX_SIZE: z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(30, 'must be at least 30')
    .max(1_000_000, 'must be at most 1000000')
    .default(3_000),
  SANDBOX_ACTIVITY_RATE: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be positive')
    .max(10_000, 'must be at most 10000')
    .default(2),
  SANDBOX_CLOCK: z.enum(['virtual', 'wall'], { error: 'must be virtual or wall' }).default('virtual'),
  /**
   * `off` lifts the vendors' API rate limits (ServiceTitan's per-tenant requests/s, Jobber's request
   * window and query-cost bucket): benchmarks measure the client's own throughput, not the vendor's cap.
   * Injected 429s (`POST /__sandbox/faults`) still apply.
   */
  SANDBOX_API_LIMITS: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default('on')
    .transform((value) => value === 'on'),
});
export type VendorSandboxConfig = z.output<typeof vendorSandboxConfigSchema>;
