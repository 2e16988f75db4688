import { z } from 'zod';
import { durationMs } from './duration.schema';

/*
 * Environment fragments shared by the services. Each app composes its own schema from these
 * (`z.object({ ...baseEnv.shape, ...httpEnv(3000).shape, ... })`); `loadConfig` parses it once,
 * before Nest starts. Nothing else in the codebase reads `process.env`.
 * Messages never include the offending value: some of these variables are secrets.
 */

const TOKEN_RE = /^[A-Za-z0-9_-]+$/;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const baseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  FIELDSYNC_BOOT_TIMEOUT_MS: z.coerce
    .number({ error: 'must be an integer number of milliseconds' })
    .int('must be an integer number of milliseconds')
    .min(100, 'must be at least 100')
    .max(600_000, 'must be at most 600000')
    .default(15_000),
  FIELDSYNC_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'must be an integer number of milliseconds' })
    .int('must be an integer number of milliseconds')
    .min(100, 'must be at least 100')
    .max(600_000, 'must be at most 600000')
    .default(10_000),
});
export type BaseConfig = z.output<typeof baseEnv>;

export const port = (defaultPort: number) =>
  z.coerce
    .number({ error: 'must be a TCP port number' })
    .int('must be a TCP port number')
    .min(0, 'must be between 0 and 65535')
    .max(65_535, 'must be between 0 and 65535')
    .default(defaultPort);

/** `PORT`/`HOST` of the service's HTTP listener (health, metrics and its own routes). */
export const httpEnv = (defaultPort: number) =>
  z.object({
    PORT: port(defaultPort),
    HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
  });
export type HttpConfig = z.output<ReturnType<typeof httpEnv>>;

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  },
  { error: 'must be a postgres:// or postgresql:// URL with a host' },
);

export const databaseEnv = z.object({
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_MAX: z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(10),
});
export type DatabaseConfig = z.output<typeof databaseEnv>;

const natsServers = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .refine((servers) => servers.length > 0, { error: 'must list at least one nats:// URL' })
  .refine(
    (servers) =>
      servers.every((server) => {
        try {
          const url = new URL(server);
          return (url.protocol === 'nats:' || url.protocol === 'tls:') && url.hostname.length > 0;
        } catch {
          return false;
        }
      }),
    { error: 'must be a comma-separated list of nats:// (or tls://) URLs' },
  );

export const natsEnv = z.object({
  /** Parsed into the list of servers. */
  NATS_URL: natsServers,
});
export type NatsConfig = z.output<typeof natsEnv>;

/** Stream names and settings (DESIGN.md "Subjects and streams": 1 replica on a laptop, 3 in a cluster). */
export const streamsEnv = z.object({
  FIELDSYNC_STREAM_PREFIX: z
    .string()
    .refine((value) => value === '' || TOKEN_RE.test(value), {
      error: 'may contain only A-Z a-z 0-9 _ - (or be empty)',
    })
    .default(''),
  FIELDSYNC_STREAM_REPLICAS: z.coerce
    .number({ error: 'must be 1, 3 or 5' })
    .int('must be 1, 3 or 5')
    .refine((n) => n === 1 || n === 3 || n === 5, { error: 'must be 1, 3 or 5' })
    .default(1),
  FIELDSYNC_EVENTS_MAX_AGE: durationMs.default(7 * 24 * 3_600_000),
  FIELDSYNC_EVENTS_MAX_BYTES: z.coerce
    .number({ error: 'must be an integer number of bytes (-1 for unlimited)' })
    .int('must be an integer number of bytes (-1 for unlimited)')
    .min(-1, 'must be -1 (unlimited) or positive')
    .default(-1),
  FIELDSYNC_COMMANDS_MAX_AGE: durationMs.default(7 * 24 * 3_600_000),
  FIELDSYNC_RESULTS_MAX_AGE: durationMs.default(7 * 24 * 3_600_000),
  FIELDSYNC_DLQ_MAX_AGE: durationMs.default(30 * 24 * 3_600_000),
  FIELDSYNC_DEDUP_WINDOW: durationMs.default(2 * 60_000),
  FIELDSYNC_STREAM_STORAGE: z.enum(['file', 'memory']).default('file'),
});
export type StreamsEnvConfig = z.output<typeof streamsEnv>;

/** The stream settings in the plain shape of messaging's `StreamsConfig` input (`parseStreamsConfig`). */
export function streamsSettings(config: StreamsEnvConfig) {
  return {
    prefix: config.FIELDSYNC_STREAM_PREFIX,
    replicas: config.FIELDSYNC_STREAM_REPLICAS,
    storage: config.FIELDSYNC_STREAM_STORAGE,
    duplicateWindowMs: config.FIELDSYNC_DEDUP_WINDOW,
    events: { maxAgeMs: config.FIELDSYNC_EVENTS_MAX_AGE, maxBytes: config.FIELDSYNC_EVENTS_MAX_BYTES },
    commands: { maxAgeMs: config.FIELDSYNC_COMMANDS_MAX_AGE },
    results: { maxAgeMs: config.FIELDSYNC_RESULTS_MAX_AGE },
    dlq: { maxAgeMs: config.FIELDSYNC_DLQ_MAX_AGE },
  };
}

/** The AES-256-GCM key of the credential vault (session-manager, webhook-dispatcher). */
export const vaultEnv = z.object({
  FIELDSYNC_VAULT_KEY: z
    .string()
    .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
      error: 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
    })
    .transform((value) => Buffer.from(value, 'base64')),
  FIELDSYNC_VAULT_KEY_ID: z
    .string()
    .refine((value) => TOKEN_RE.test(value), { error: 'may contain only A-Z a-z 0-9 _ -' })
    .default('k1'),
  FIELDSYNC_VAULT_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const keys: { id: string; key: Buffer }[] = [];
      for (const entry of value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const at = entry.indexOf(':');
        const id = at < 0 ? '' : entry.slice(0, at);
        const key = at < 0 ? '' : entry.slice(at + 1);
        if (
          !TOKEN_RE.test(id) ||
          !/^[A-Za-z0-9+/]+={0,2}$/.test(key) ||
          Buffer.from(key, 'base64').length !== 32
        ) {
          // The entry is never echoed: it holds a key.
          ctx.addIssue({
            code: 'custom',
            message: `entry ${keys.length + 1} must be <key id>:<32 bytes base64>, comma-separated`,
          });
          return z.NEVER;
        }
        keys.push({ id, key: Buffer.from(key, 'base64') });
      }
      return keys;
    }),
});
export type VaultConfig = z.output<typeof vaultEnv>;

/** The Chromium of the services that drive vendor web apps (session-manager logins, writer web-app writes). */
export const browserEnv = z.object({
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
});

/** The bearer token of the operators' HTTP APIs (session-manager, webhook-dispatcher). */
/**
 * The secret the session manager signs `POST /sessions` tokens with and the api checks them with. Unset:
 * the session manager signs with its vault key, and the api refuses session tokens (closed, never open).
 */
export const sessionTokenEnv = z.object({
  FIELDSYNC_SESSION_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
});

export const adminEnv = z.object({
  FIELDSYNC_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
});
export type AdminConfig = z.output<typeof adminEnv>;

/**
 * Closed by default (DESIGN "The rules each part keeps"): outside development and test, a service with an
 * admin API refuses to boot without FIELDSYNC_ADMIN_TOKEN, instead of serving the API open. A refinement
 * for the service's config schema (`.superRefine(adminTokenRequiredInProduction)`).
 */
export function adminTokenRequiredInProduction(
  config: { NODE_ENV: string; FIELDSYNC_ADMIN_TOKEN?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (
    config.NODE_ENV !== 'development' &&
    config.NODE_ENV !== 'test' &&
    config.FIELDSYNC_ADMIN_TOKEN === undefined
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['FIELDSYNC_ADMIN_TOKEN'],
      message: `must be set when NODE_ENV is ${config.NODE_ENV}: without it the admin API would be open to anyone`,
    });
  }
}
