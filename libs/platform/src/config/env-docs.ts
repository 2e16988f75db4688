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
  /** Read by Node itself, not by fieldsync's config (so in no config schema): NODE_OPTIONS. */
  runtime?: boolean;
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
    name: 'NODE_OPTIONS',
    default: '(none)',
    meaning:
      "Node's own options (read by Node, not by fieldsync). The Kubernetes manifests set the V8 heap limit, `--max-old-space-size=<MiB>`, to at most three quarters of the container's memory limit: a heap that outgrows it fails the process with a heap error in its log, instead of the kernel killing the pod without one.",
    services: 'all',
    runtime: true,
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
      'Comma-separated NATS server URLs (`nats://host:4222,nats://host2:4222`); JetStream must be enabled. With the shipped authorization config (docker/nats) each service names its own NATS user: `nats://<user>:<password>@host:4222` (percent-encode `@ : / ? #`; start the password with a letter). Never logged.',
    services: BACKEND,
    secret: true,
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
    name: 'FIELDSYNC_VAULT_PREVIOUS_KEYS',
    default: '(empty)',
    meaning:
      'Keys that still open older ciphertexts during a rotation, `<key id>:<base64 key>` comma-separated; drop one after `npm run vault:reencrypt` has resealed everything under the current key. Never logged.',
    services: ['session-manager', 'webhook-dispatcher'],
    secret: true,
  },
  {
    name: 'FIELDSYNC_SESSION_TOKEN_SECRET',
    default: '(unset: the session manager signs with its vault key; the api refuses session tokens)',
    meaning:
      'Signs the short-lived `authToken` of `POST /sessions` (HMAC key derived with HKDF); set the same value on the api, which then accepts those tokens for their one connection. At least 32 characters. Never logged.',
    services: ['session-manager', 'api'],
    secret: true,
  },
  {
    name: 'SESSION_MANAGER_URL',
    default: '(unset: `POST /sessions` answers 503)',
    meaning:
      'The session manager’s HTTP base URL; the api forwards `POST /sessions` and `/sessions/refresh` there.',
    services: ['api'],
  },
  {
    name: 'WEBHOOK_DISPATCHER_URL',
    default: '(unset: `/webhook-endpoints` answers 503)',
    meaning:
      'The webhook dispatcher’s HTTP base URL; the api serves `/webhook-endpoints` and `/webhook-messages` through its operator API (`/tenants/{tenantId}/…`, with `FIELDSYNC_ADMIN_TOKEN`) for the API key’s tenant.',
    services: ['api'],
  },
  {
    name: 'FIELDSYNC_ADMIN_TOKEN',
    default: '(unset: refused in production; open in development and test)',
    meaning:
      "Bearer token of the operators' APIs (session-manager `/connections`, `/tenants`; webhook-dispatcher `/tenants/{tenantId}/endpoints`, `/tenants/{tenantId}/messages`; api `/api-keys` for any tenant), at least 24 characters. Required unless NODE_ENV is development or test: those services refuse to boot without it rather than serve the API open. The api never serves its operator calls without it (closed; admin-scoped keys still manage their own tenant's keys). Never logged.",
    services: ['session-manager', 'webhook-dispatcher', 'api'],
    secret: true,
  },
  {
    name: 'EXTRACTOR_WORKER_ID',
    default: '<hostname>-<pid>',
    meaning: 'Lease owner name of this extractor replica in `sync_cursors` (unique per replica).',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_CONCURRENCY',
    default: '8',
    meaning: 'Streams (connection × entity) one extractor replica syncs at once.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_CONNECTION_CONCURRENCY',
    default: '2',
    meaning: 'Streams of one connection leased at once across all replicas.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_REQUESTS_PER_SECOND',
    default: 'per vendor',
    meaning:
      "Vendor calls per second per connection (per replica, evenly spaced, every request of a page included), for every vendor; unset, each connection keeps its vendor's read budget (ServiceTitan 50, Workiz 18, Jobber 8, Housecall Pro 4.5, else 10); a 429's Retry-After pauses the connection's calls.",
    services: ['extractor'],
  },
  {
    name: 'API_COMMAND_WAIT',
    default: '10s',
    meaning:
      'How long a REST write call waits for its command’s result before it answers 202 with `Location: /commands/{id}` (the command goes on; `GET /commands/{id}` shows its outcome).',
    services: ['api'],
  },
  {
    name: 'API_RATE_LIMIT',
    default: '1200',
    meaning:
      'Requests each API key may make per `API_RATE_LIMIT_WINDOW`, counted per api process; every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and past the limit the api answers 429 with `Retry-After`.',
    services: ['api'],
  },
  {
    name: 'API_RATE_LIMIT_WINDOW',
    default: '60s',
    meaning: 'The window of `API_RATE_LIMIT` (a fixed window per key).',
    services: ['api'],
  },
  {
    name: 'EXTRACTOR_LEASE',
    default: '60s',
    meaning:
      "Lease on a stream; renewed while the run lasts, so a dead replica's streams are taken over once it runs out.",
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_POLL_INTERVAL',
    default: '1s',
    meaning: 'How often an idle replica looks for due streams.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_MAX_ATTEMPTS',
    default: '6',
    meaning:
      'Attempts of one vendor call on 5xx and timeouts before the stream run fails (and is retried later with backoff); rate limits do not use them up (see EXTRACTOR_MAX_RETRY_AFTER).',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_RETRY_BASE',
    default: '500ms',
    meaning: 'First backoff after a vendor 5xx/timeout; doubles per attempt, with jitter.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_RETRY_MAX',
    default: '30s',
    meaning: 'Longest backoff between attempts of one vendor call.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_VENDOR_TIMEOUT',
    default: '60s',
    meaning:
      "Bound on one try of a page read (the connector's vendor requests for it); a try without an answer by then counts as the vendor being unavailable and is retried with backoff (EXTRACTOR_MAX_ATTEMPTS).",
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_MAX_RETRY_AFTER',
    default: '5m',
    meaning:
      "Longest one vendor call waits out the vendor's rate limits (429 Retry-After, Jobber's THROTTLED restore time), one or several in a row, inside a run; beyond it the run fails (retried later).",
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_FAILURE_BACKOFF',
    default: '5s',
    meaning:
      'First delay before a failed stream run is retried; doubles per consecutive failure up to ten intervals (at most 1 h).',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_RECONCILE_INTERVAL',
    default: '6h',
    meaning:
      'Period of the full reconciliation pass of streams whose vendor does not signal deletes (rows not seen by a complete pass are tombstoned).',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_DRIFT_RETRY',
    default: '15m',
    meaning:
      'How often a stream that quarantined drifted records reads again from the checkpoint before the first drifted page, until they fit again.',
    services: ['extractor'],
  },
  {
    name: 'WRITER_WORKER_ID',
    default: '<hostname>-<pid>',
    meaning: "This writer replica's name on the idempotency leases it holds.",
    services: ['writer'],
  },
  {
    name: 'WRITER_CONCURRENCY',
    default: '16',
    meaning:
      'Commands executed at once by one replica (commands for the same entity still run one after another).',
    services: ['writer'],
  },
  {
    name: 'WRITER_CONNECTION_CONCURRENCY',
    default: '8',
    meaning:
      "Of WRITER_CONCURRENCY, the commands of one connection executing at once: a burst on one connection never takes the slots other connections' commands need.",
    services: ['writer'],
  },
  {
    name: 'WRITER_BROWSER_CONCURRENCY',
    default: '1',
    meaning:
      "Browser pages one writer replica opens at once for writes only the vendor's web app offers (Chromium starts at the first such write and stops when idle); more wait in line.",
    services: ['writer'],
  },
  {
    name: 'WRITER_REQUESTS_PER_SECOND',
    default: '20',
    meaning:
      "Vendor requests per second one writer replica sends per connection (evenly spaced; a vendor's 429 holds the connection's requests for its Retry-After). The vendor's own limit is shared with the extractor (ServiceTitan: 60/s per tenant).",
    services: ['writer'],
  },
  {
    name: 'WRITER_IDEMPOTENCY_TTL',
    default: '24h',
    meaning:
      'How long an idempotency key and its stored result are kept; a key is purged after that and may be used again.',
    services: ['writer'],
  },
  {
    name: 'WRITER_IN_FLIGHT_WAIT',
    default: '10s',
    meaning:
      'How long a command waits for an earlier command with the same idempotency key that is still executing, before answering `idempotency_key_in_flight`.',
    services: ['writer'],
  },
  {
    name: 'WRITER_LEASE',
    default: '60s',
    meaning:
      'Lease on an executing idempotency key, renewed while the command runs; a redelivery after a crash takes over an expired one and resumes from its recovery point.',
    services: ['writer'],
  },
  {
    name: 'WRITER_ACK_WAIT',
    default: '30s',
    meaning:
      "JetStream ack wait of the FSM_COMMANDS consumer (heartbeats extend it while a command runs); a crashed writer's command is redelivered after it.",
    services: ['writer'],
  },
  {
    name: 'WRITER_MAX_ATTEMPTS',
    default: '5',
    meaning:
      'Vendor calls tried per delivery on 5xx, timeouts and network errors (exponential backoff with jitter), before the command fails and goes to FSM_DLQ.',
    services: ['writer'],
  },
  {
    name: 'WRITER_RETRY_BASE',
    default: '500ms',
    meaning: 'First backoff delay between vendor call attempts.',
    services: ['writer'],
  },
  {
    name: 'WRITER_RETRY_MAX',
    default: '30s',
    meaning: 'Longest backoff delay between vendor call attempts.',
    services: ['writer'],
  },
  {
    name: 'WRITER_MAX_RETRY_AFTER',
    default: '5m',
    meaning:
      'Longest vendor `Retry-After` honoured by a nak; beyond it the command fails with `rate_limited`.',
    services: ['writer'],
  },
  {
    name: 'WRITER_VENDOR_TIMEOUT',
    default: '30s',
    meaning:
      'Bound on one vendor call (a timeout counts as a transient failure; the marker is looked for before writing again).',
    services: ['writer'],
  },
  {
    name: 'WRITER_PURGE_INTERVAL',
    default: '10m',
    meaning: 'How often expired idempotency keys are purged.',
    services: ['writer'],
  },
  {
    name: 'WRITER_TEST_CRASH_AFTER_VENDOR_WRITE',
    default: '0',
    meaning:
      'Test-only fault injection: probability (0-1) that the writer SIGKILLs itself right after a vendor accepted a write. Refused in production.',
    services: ['writer'],
  },
  {
    name: 'EXTRACTOR_CONNECTIONS_REFRESH',
    default: '30s',
    meaning: 'How often sync cursors are created for new active/pending connections.',
    services: ['extractor'],
  },
  {
    name: 'EXTRACTOR_STREAM_INTERVALS',
    default: "(readers' defaults)",
    meaning:
      'Interval overrides: comma-separated `<stream>=<duration>` or `<vendor>.<stream>=<duration>`, e.g. `jobs=15s,servicetitan.pricebook-items=1h`.',
    services: ['extractor'],
  },
  {
    name: 'CHROMIUM_PATH',
    default: '/usr/bin/chromium',
    meaning:
      "The Chromium the vendor logins (session manager) and the writes only a vendor's web app offers (writer) run in (Debian's `chromium`; never a downloaded browser).",
    services: ['session-manager', 'writer'],
  },
  {
    name: 'SESSION_BROWSER_CONCURRENCY',
    default: '2',
    meaning: 'Vendor logins running at once (browser contexts); more wait in line.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_LOGIN_TIMEOUT',
    default: '2m',
    meaning: 'Budget of one login, MFA included.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_MFA_TIMEOUT',
    default: '2m',
    meaning:
      'How long a login waits for an SMS or email code before it fails with `mfa_timeout` (retried with backoff).',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_REFRESH_INTERVAL',
    default: '30s',
    meaning:
      'Tick of the refresher that logs in connections without a session, refreshes sessions near expiry and keeps idle ones alive.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_REFRESH_MARGIN',
    default: '10m',
    meaning: 'A session this close to its absolute expiry is replaced by a fresh login.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_VERIFY_AFTER',
    default: '1m',
    meaning:
      'An acquire of a session unchecked for this long checks it at the vendor first (a cheap authenticated call).',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_RETRY_BASE',
    default: '5s',
    meaning:
      'First backoff after a retriable login failure (MFA timeout, vendor outage); doubles per failure, with jitter.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_RETRY_MAX',
    default: '15m',
    meaning: 'Longest backoff between retriable login failures.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_TOKEN_TTL',
    default: '1h',
    meaning: 'Lifetime of the `authToken` of `POST /sessions` (never longer than the vendor session).',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_TIMEOUTS',
    default:
      "(empty: the connectors' defaults, servicetitan idle 2h / absolute 12h, jobber idle 12h / absolute 14d)",
    meaning:
      "Overrides of the vendors' session lifetimes the refresher plans with, `vendor.idle=<duration>` or `vendor.absolute=<duration>`, comma-separated (match `SANDBOX_SESSION_TIMEOUTS` when the sandbox's are changed).",
    services: ['session-manager'],
  },
  {
    name: 'SESSION_AUTO_LOGIN',
    default: 'true',
    meaning:
      '`true`: every pending or active connection is kept logged in; `false`: logins happen only on demand (acquire).',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_RELEASE_TIMEOUT',
    default: '5s',
    meaning:
      'Bound of one logout at a vendor whose connector can log a session out (Total Office Manager: frees its licensed seat), on shutdown, refresh, disable or a change of credentials. Must be shorter than `FIELDSYNC_SHUTDOWN_TIMEOUT_MS`.',
    services: ['session-manager'],
  },
  {
    name: 'SESSION_RELEASE_ON_SHUTDOWN',
    default: 'true',
    meaning:
      "`true`: on SIGTERM the session manager stops logging in, then logs out every live session of a vendor that can log out (TOM seats free at once instead of after the idle timeout). With several replicas, each one releases the sessions when it stops and the others sign in again; `false` leaves them to the vendor's timeout.",
    services: ['session-manager'],
  },
  {
    name: 'FIELDSYNC_MFA_RELAY_TOKEN',
    default: '(unset: the relay answers 503)',
    meaning:
      'Shared secret (at least 24 characters) an SMS or email provider sends to `POST /mfa/inbound` as `Authorization: Bearer <token>` (or as the password of HTTP Basic auth, e.g. `https://relay:<token>@host/mfa/inbound` in a Twilio webhook). Unset, the relay accepts no messages.',
    services: ['session-manager'],
    secret: true,
  },
  {
    name: 'FIELDSYNC_MFA_SANDBOX_OUTBOX',
    default: 'false',
    meaning:
      "`true`: while a login waits for an SMS or email code, the relay also reads the vendor sandbox's outbox (`<portal>/__sandbox/outbox`). Development, demo and tests only; never in production.",
    services: ['session-manager'],
  },
  {
    name: 'FIELDSYNC_MFA_CLOCK_SKEW',
    default: '2s',
    meaning:
      'How much earlier than the moment a login asked for a code a message may have been received and still be taken for that login (clock differences between hosts and providers).',
    services: ['session-manager'],
  },
  {
    name: 'FIELDSYNC_MFA_POLL_INTERVAL',
    default: '500ms',
    meaning:
      'How often a waiting login looks for its code in Postgres besides being woken by LISTEN/NOTIFY (the fallback when a notification is missed; at least 50ms).',
    services: ['session-manager'],
  },
  {
    name: 'FIELDSYNC_MFA_RETENTION',
    default: '1h',
    meaning:
      'How long received MFA messages (the code encrypted, never the body) are kept before the purge deletes them.',
    services: ['session-manager'],
  },
  {
    name: 'FIELDSYNC_MFA_PURGE_INTERVAL',
    default: '5m',
    meaning:
      'How often the session manager deletes MFA messages older than `FIELDSYNC_MFA_RETENTION` (at least 1s).',
    services: ['session-manager'],
  },
  {
    name: 'WEBHOOK_REQUEST_TIMEOUT',
    default: '15s',
    meaning:
      'Budget of one delivery attempt (connect, send, response headers and body); past it the attempt is a timeout and is retried.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_RETRY_SCHEDULE',
    default: '5s,5m,30m,2h,5h,10h,10h',
    meaning:
      'Delays between delivery attempts after the first, comma-separated (8 attempts by default); each is jittered by `WEBHOOK_RETRY_JITTER`.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_RETRY_JITTER',
    default: '0.2',
    meaning: 'Random spread of each retry delay, as a fraction (0.2 = ±20 %).',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_THROTTLE_MIN_DELAY',
    default: '60s',
    meaning:
      'Shortest wait after a 429, a 503 (whose `Retry-After` is honoured within [delay, 2 × delay]) or a timeout.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_DISABLE_AFTER',
    default: '5d',
    meaning:
      'An endpoint failing without a single success for this long is disabled and an `endpoint.disabled` event is emitted.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_SECRET_ROTATION_GRACE',
    default: '24h',
    meaning:
      'How long a rotated-out signing secret keeps signing deliveries beside the new one (at most 7d).',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_PAYLOAD_RETENTION',
    default: '90d',
    meaning:
      'How long delivered and failed messages (payload and attempts) are kept for inspection and resending.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_MAX_CONCURRENCY',
    default: '64',
    meaning: 'Delivery requests in flight per dispatcher replica, all endpoints together.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_ENDPOINT_CONCURRENCY',
    default: '8',
    meaning:
      'Delivery requests in flight per endpoint and replica, so one slow endpoint never holds more than its share.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_POLL_INTERVAL',
    default: '250ms',
    meaning:
      'How often an idle replica looks for due messages (new events and finished attempts wake it at once).',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_FANOUT_CONCURRENCY',
    default: '128',
    meaning: 'FSM_EVENTS messages handled at once by fan-out (recorded in batches, one transaction each).',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_ALLOWED_NETWORKS',
    default: '(empty; 127.0.0.0/8,::1/128 when NODE_ENV=development)',
    meaning:
      'CIDR networks deliveries may reach although they are loopback, private, link-local or otherwise refused (SSRF guard), comma-separated; `none` for no exception.',
    services: ['webhook-dispatcher'],
  },
  {
    name: 'WEBHOOK_ALLOW_HTTP',
    default: 'false (true when NODE_ENV=development)',
    meaning: 'Whether endpoint URLs may use plain `http://`; otherwise only `https://` is accepted.',
    services: ['webhook-dispatcher'],
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
  {
    name: 'SANDBOX_CLOCK',
    default: 'virtual',
    meaning:
      "`virtual`: the world's clock stands still until advanced (deterministic tests and demos). `wall`: the world starts at the wall clock's now and follows it, so vendor timestamps compare with a client's own clock as a real vendor's do (the writer's marker searches).",
    services: ['vendor-sandbox'],
  },
  {
    name: 'SANDBOX_API_LIMITS',
    default: 'on',
    meaning:
      "`on`: the vendors' API rate limits apply (ServiceTitan 60 requests/s per tenant; Jobber 2,500 requests per 300 s and its 10,000-point query-cost bucket). `off` lifts them, for benchmarks of a client's own throughput (`npm run bench -- --only writer`); faults injected through `POST /__sandbox/faults` still apply.",
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
