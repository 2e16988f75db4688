export {
  parseConfig,
  loadConfig,
  formatConfigIssues,
  type ConfigIssue,
  type ConfigResult,
  type Env,
} from './config/config.loader';
export {
  LOG_LEVELS,
  baseEnv,
  httpEnv,
  port,
  databaseEnv,
  natsEnv,
  streamsEnv,
  vaultEnv,
  adminEnv,
  sessionTokenEnv,
  adminTokenRequiredInProduction,
  browserEnv,
  streamsSettings,
  type BaseConfig,
  type HttpConfig,
  type DatabaseConfig,
  type NatsConfig,
  type StreamsEnvConfig,
  type VaultConfig,
  type AdminConfig,
} from './config/env.schema';
export { durationAtLeast, durationMs, integerEnv } from './config/duration.schema';
export { backoffDelayMs, type Jitter } from './retry/backoff.util';
export { envDocs, renderEnvDocsMarkdown, SERVICES, type EnvDoc, type ServiceName } from './config/env-docs';
export { createLogger, type CreateLoggerOptions } from './logging/logger.factory';
export { LoggerModule } from './logging/logger.module';
export { REDACT_PATHS, REDACTED, SECRET_KEYS } from './logging/redact-paths.constants';
export { redactSecrets, isSecretKey } from './logging/redact-secrets.util';
export { HealthModule, type HealthModuleAsyncOptions } from './health/health.module';
export { HealthController } from './health/health.controller';
export { READINESS_CHECKS, DEFAULT_CHECK_TIMEOUT_MS } from './health/health.constants';
export { runCheck, runChecks, CheckTimeoutError } from './health/run-checks.util';
export type { ReadinessCheck, CheckOutcome, ReadinessReport } from './health/readiness.types';
export { MetricsModule, createMetricsRegistry } from './metrics/metrics.module';
export { METRICS_REGISTRY, metricOnce } from './metrics/metrics.constants';
export {
  bootstrapService,
  type BootstrapOptions,
  type BootConfig,
  type RunningService,
} from './boot/bootstrap-service';
export { DependencyUnavailableError } from './boot/dependency.error';
export { connectDependency } from './boot/connect-dependency.util';
export { ADMIN_TOKEN, AdminTokenGuard } from './auth/admin-token.guard';
export { sleep } from './retry/sleep.util';
export { ConnectionRateLimiter, type RateOf } from './retry/connection-rate-limiter';
