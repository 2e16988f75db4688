import { durationMs } from '@fieldsync/platform';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** Svix's schedule: delays after the first attempt (docs/webhooks.md "Retries"). */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
/** Development lets endpoints on this machine receive deliveries. */
export const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128';

const MAX_RETRIES = 20;

const integer = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be ${what}` })
    .int(`must be ${what}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const durationList = z.string().transform((value, ctx) => {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const delays: number[] = [];
  for (const part of parts) {
    const parsed = durationMs.safeParse(part);
    if (!parsed.success || parsed.data <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not a positive duration: list delays such as 5s,5m,30m,2h`,
      });
      return z.NEVER;
    }
    delays.push(parsed.data);
  }
  if (delays.length > MAX_RETRIES) {
    ctx.addIssue({ code: 'custom', message: `must list at most ${MAX_RETRIES} delays` });
    return z.NEVER;
  }
  return delays;
});

/** CIDRs or addresses, comma-separated; `none` for an empty list (an empty variable counts as unset). */
const networkList = z.string().transform((value, ctx) => {
  const networks: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  if (value.trim() === 'none') return networks;
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    try {
      networks.push(part.includes('/') ? ipaddr.parseCIDR(part) : addressAsNetwork(part));
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not a CIDR network or an IP address (e.g. 127.0.0.0/8,::1/128,10.1.2.3)`,
      });
      return z.NEVER;
    }
  }
  return networks;
});

function addressAsNetwork(address: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const parsed = ipaddr.parse(address);
  return [parsed, parsed.kind() === 'ipv4' ? 32 : 128];
}

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/**
 * The dispatcher's own variables (documented in libs/platform env-docs.ts). Defaults that depend on
 * NODE_ENV (HTTP and loopback allowed in development only) are resolved by `deliverySettings`.
 */
export const deliveryEnv = z.object({
  WEBHOOK_REQUEST_TIMEOUT: durationMs
    .refine((ms) => ms >= 100 && ms <= 120_000, { error: 'must be between 100ms and 120s' })
    .default(15_000),
  WEBHOOK_RETRY_SCHEDULE: durationList.default(parseDefaultSchedule()),
  WEBHOOK_RETRY_JITTER: z.coerce
    .number({ error: 'must be a fraction between 0 and 0.5' })
    .min(0, 'must be a fraction between 0 and 0.5')
    .max(0.5, 'must be a fraction between 0 and 0.5')
    .default(0.2),
  WEBHOOK_THROTTLE_MIN_DELAY: durationMs.default(60_000),
  WEBHOOK_DISABLE_AFTER: durationMs.default(5 * 24 * 3_600_000),
  WEBHOOK_SECRET_ROTATION_GRACE: durationMs
    .refine((ms) => ms <= 7 * 24 * 3_600_000, { error: 'must be at most 7d' })
    .default(24 * 3_600_000),
  WEBHOOK_PAYLOAD_RETENTION: durationMs
    .refine((ms) => ms >= 60_000, { error: 'must be at least 1m' })
    .default(90 * 24 * 3_600_000),
  WEBHOOK_MAX_CONCURRENCY: integer('a positive integer', 1, 10_000).default(64),
  WEBHOOK_ENDPOINT_CONCURRENCY: integer('a positive integer', 1, 1_000).default(8),
  WEBHOOK_POLL_INTERVAL: durationMs
    .refine((ms) => ms >= 10 && ms <= 60_000, { error: 'must be between 10ms and 60s' })
    .default(250),
  WEBHOOK_FANOUT_CONCURRENCY: integer('a positive integer', 1, 1_000).default(128),
  WEBHOOK_ALLOWED_NETWORKS: networkList.optional(),
  WEBHOOK_ALLOW_HTTP: flag.optional(),
});
export type DeliveryEnvConfig = z.output<typeof deliveryEnv>;

function parseDefaultSchedule(): number[] {
  return durationList.parse(DEFAULT_RETRY_SCHEDULE);
}

/** Everything delivery needs, with the NODE_ENV-dependent defaults resolved. */
export interface DeliverySettings {
  requestTimeoutMs: number;
  /** Delays after attempt 1, 2, ...: a message gets `retrySchedule.length + 1` attempts per round. */
  retryScheduleMs: readonly number[];
  jitter: number;
  throttleMinDelayMs: number;
  disableAfterMs: number;
  secretRotationGraceMs: number;
  retentionMs: number;
  maxConcurrency: number;
  endpointConcurrency: number;
  pollIntervalMs: number;
  fanoutConcurrency: number;
  allowedNetworks: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
  allowHttp: boolean;
  /** How long a claimed message stays ours: one request, plus room for the write that records it. */
  leaseMs: number;
  /** How long shutdown waits for running attempts and their writes. */
  shutdownGraceMs: number;
}

export function deliverySettings(
  config: DeliveryEnvConfig & {
    NODE_ENV: 'development' | 'test' | 'production';
    FIELDSYNC_SHUTDOWN_TIMEOUT_MS: number;
  },
): DeliverySettings {
  const development = config.NODE_ENV === 'development';
  return {
    requestTimeoutMs: config.WEBHOOK_REQUEST_TIMEOUT,
    retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE,
    jitter: config.WEBHOOK_RETRY_JITTER,
    throttleMinDelayMs: config.WEBHOOK_THROTTLE_MIN_DELAY,
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER,
    secretRotationGraceMs: config.WEBHOOK_SECRET_ROTATION_GRACE,
    retentionMs: config.WEBHOOK_PAYLOAD_RETENTION,
    maxConcurrency: config.WEBHOOK_MAX_CONCURRENCY,
    endpointConcurrency: config.WEBHOOK_ENDPOINT_CONCURRENCY,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL,
    fanoutConcurrency: config.WEBHOOK_FANOUT_CONCURRENCY,
    allowedNetworks:
      config.WEBHOOK_ALLOWED_NETWORKS ?? (development ? networkList.parse(LOOPBACK_NETWORKS) : []),
    allowHttp: config.WEBHOOK_ALLOW_HTTP ?? development,
    leaseMs: 2 * config.WEBHOOK_REQUEST_TIMEOUT + 10_000,
    // The JetStream transport drains in the first 60 % of the shutdown budget; delivery gets 30 % after it.
    shutdownGraceMs: Math.floor(config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS * 0.3),
  };
}
