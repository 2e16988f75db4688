/*
 * Every environment variable fieldsync reads, for the README (`renderEnvDocsMarkdown()`).
 * A spec checks this table against the shared fragments so a new variable cannot go undocumented.
 */

export const SERVICES = [
  'api',
  'session-manager',
  'extractor',
  'writer',
  'webhook-dispatcher',
  'vendor-sandbox',
] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface EnvDoc {
  name: string;
  /** `undefined` = required. */
  default: string | undefined;
  meaning: string;
  services: readonly ServiceName[] | 'all';
  secret?: boolean;
}

const BACKEND: readonly ServiceName[] = [
  'api',
  'session-manager',
  'extractor',
  'writer',
  'webhook-dispatcher',
];

export const envDocs: readonly EnvDoc[] = [
  {
    name: 'NODE_ENV',
    default: 'development',
    meaning: '`development`, `test` or `production`.',
    services: 'all',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    meaning: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
    services: 'all',
  },
  {
    name: 'LOG_FORMAT',
    default: 'json',
    meaning: '`json` (one JSON object per line) or `pretty` (pino-pretty, development only).',
    services: 'all',
  },
  {
    name: 'FIELDSYNC_BOOT_TIMEOUT_MS',
    default: '15000',
    meaning:
      'Upper bound on startup: connecting to Postgres and NATS and the startup checks. Past it the process logs the dependency it was waiting for and exits 1.',
    services: 'all',
  },
  {
    name: 'FIELDSYNC_SHUTDOWN_TIMEOUT_MS',
    default: '10000',
    meaning:
      'Upper bound on graceful shutdown after SIGTERM/SIGINT (stop consuming, drain, close NATS and the pool); past it the process exits 1.',
    services: 'all',
  },
  {
    name: 'PORT',
    default:
      'api 3000, session-manager 3001, extractor 3002, writer 3003, webhook-dispatcher 3004, vendor-sandbox 4100',
    meaning: 'HTTP port of the service (its routes, `/health/live`, `/health/ready`, `/metrics`).',
    services: 'all',
  },
  { name: 'HOST', default: '0.0.0.0', meaning: 'Interface the HTTP server binds to.', services: 'all' },
  {
    name: 'DATABASE_URL',
    default: undefined,
    meaning: 'Postgres connection URL (`postgres://user:pass@host:5432/db`).',
    services: BACKEND,
    secret: true,
  },
  {
    name: 'DATABASE_POOL_MAX',
    default: '10',
    meaning: 'Maximum connections in the service’s Postgres pool.',
    services: BACKEND,
  },
  {
    name: 'NATS_URL',
    default: undefined,
    meaning:
      'Comma-separated NATS server URLs (`nats://host:4222,nats://host2:4222`); JetStream must be enabled.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_STREAM_PREFIX',
    default: '(empty)',
    meaning:
      'Prefix of stream names and subjects (`A-Z a-z 0-9 _ -`), so several environments or test runs can share one NATS.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_STREAM_REPLICAS',
    default: '1',
    meaning: 'Replicas of each JetStream stream: 1 on a laptop, 3 (or 5) in a cluster.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_EVENTS_MAX_AGE',
    default: '7d',
    meaning: 'How long FSM_EVENTS keeps events (`500ms`, `30s`, `2m`, `24h`, `7d`; a bare number is ms).',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_EVENTS_MAX_BYTES',
    default: '-1',
    meaning: 'Size limit of FSM_EVENTS in bytes (-1 = unlimited).',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_COMMANDS_MAX_AGE',
    default: '7d',
    meaning: 'How long FSM_COMMANDS (a work queue) keeps a command nobody consumed.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_RESULTS_MAX_AGE',
    default: '7d',
    meaning: 'How long FSM_RESULTS keeps command results.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_DLQ_MAX_AGE',
    default: '30d',
    meaning: 'How long FSM_DLQ keeps dead-lettered messages.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_DEDUP_WINDOW',
    default: '2m',
    meaning: 'JetStream duplicate window: a second publish with the same `Nats-Msg-Id` inside it is dropped.',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_STREAM_STORAGE',
    default: 'file',
    meaning: 'JetStream storage of the streams: `file` or `memory` (tests).',
    services: BACKEND,
  },
  {
    name: 'FIELDSYNC_VAULT_KEY',
    default: undefined,
    meaning:
      'AES-256-GCM key of the credential vault: 32 random bytes, base64 (`openssl rand -base64 32`). Never logged.',
    services: ['session-manager', 'webhook-dispatcher'],
    secret: true,
  },
  {
    name: 'FIELDSYNC_VAULT_KEY_ID',
    default: 'k1',
    meaning: 'Id stored next to each ciphertext so keys can be rotated (`A-Z a-z 0-9 _ -`).',
    services: ['session-manager', 'webhook-dispatcher'],
  },
  {
    name: 'SANDBOX_PORTS',
    default: 'servicetitan=4101,jobber=4102,workiz=4103,housecallpro=4104,tom=4105',
    meaning:
      'Ports of the vendor portals: `0` puts every portal on a free port (listed at `GET /__sandbox/` of `PORT` and in the log), or `vendor=port,…` overrides some (`jobber=0`). An unknown vendor is a config error.',
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_SESSION_TIMEOUTS',
    default: '(empty: servicetitan idle 2h / absolute 12h, jobber idle 12h / absolute 14d)',
    meaning:
      "Overrides of the portals' session timeouts, `vendor.idle=<duration>` or `vendor.absolute=<duration>`, comma-separated (`jobber.idle=2s`).",
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_LOCKOUT_DURATION',
    default: '30m',
    meaning:
      'How long a portal account stays locked after too many failed logins (`POST /__sandbox/reset` unlocks at once).',
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_SEED',
    default: '1',
    meaning:
      'Seed of the generated business every portal renders (the same seed and size give the same records) and default seed of the fault PRNG (`POST /__sandbox/faults` may set another).',
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_SIZE',
    default: '3000',
    meaning:
      'Approximate number of records of the generated business (customers, jobs, invoices …; 30 to 1,000,000; 100k generate in about 1.5 s). `POST /__sandbox/reset {"world":{"seed","size"}}` regenerates it.',
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_ACTIVITY_RATE',
    default: '2',
    meaning:
      'Mean activity events (creates, status moves, reschedules, payments, deletes, merges) per simulated minute when the clock advances (`POST /__sandbox/world/advance` or `/world/run`).',
    services: ['vendor-sandbox'],
  },
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The table as Markdown, e.g. `node -r @swc-node/register -e "…renderEnvDocsMarkdown()…"` for the README. */
export function renderEnvDocsMarkdown(docs: readonly EnvDoc[] = envDocs): string {
  const header = '| variable | default | services | meaning |\n|---|---|---|---|';
  const rows = docs.map((d) => {
    const def = d.default === undefined ? '**required**' : `\`${d.default}\``;
    const services = d.services === 'all' ? 'all' : d.services.join(', ');
    const meaning = d.secret ? `${d.meaning} *(secret)*` : d.meaning;
    return `| \`${d.name}\` | ${cell(def)} | ${cell(services)} | ${cell(meaning)} |`;
  });
  return [header, ...rows].join('\n') + '\n';
}
