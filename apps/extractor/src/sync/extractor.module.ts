import { hostname } from 'node:os';
import type { Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide, ConnectorRegistry } from '@fieldsync/connector-kit';
import { ChangeLog, DATABASE, SyncCursorRepository, type DB } from '@fieldsync/persistence';
import { ConnectionRateLimiter, METRICS_REGISTRY } from '@fieldsync/platform';
import { SESSION_CLIENT, type SessionClient } from '@fieldsync/session-client';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import type { Registry } from 'prom-client';
import type { ExtractorConfig } from '../config/extractor.config';
import { DriftReportRepository } from '../store/drift-report.repository';
import type { SessionSource } from './session-source.types';
import { connectionRateOf } from './connection-rate';
import { StreamSyncService } from './stream-sync.service';
import { CONNECTOR_READ_SIDES, SESSION_SOURCE, SYNC_OPTIONS } from './sync.constants';
import { SyncMetrics } from './sync.metrics';
import type { SyncOptions } from './sync-options.types';
import { SyncScheduler } from './sync.scheduler';

/** ExtractorConfig → SyncOptions. */
export function syncOptionsFromConfig(config: ExtractorConfig): SyncOptions {
  return {
    workerId: config.EXTRACTOR_WORKER_ID ?? `${hostname()}-${process.pid}`,
    leaseMs: config.EXTRACTOR_LEASE,
    pollIntervalMs: config.EXTRACTOR_POLL_INTERVAL,
    concurrency: config.EXTRACTOR_CONCURRENCY,
    perConnectionConcurrency: config.EXTRACTOR_CONNECTION_CONCURRENCY,
    ...(config.EXTRACTOR_REQUESTS_PER_SECOND === undefined
      ? {}
      : { requestsPerSecond: config.EXTRACTOR_REQUESTS_PER_SECOND }),
    maxAttempts: config.EXTRACTOR_MAX_ATTEMPTS,
    retryBaseMs: config.EXTRACTOR_RETRY_BASE,
    retryMaxMs: Math.max(config.EXTRACTOR_RETRY_BASE, config.EXTRACTOR_RETRY_MAX),
    maxRetryAfterMs: config.EXTRACTOR_MAX_RETRY_AFTER,
    vendorTimeoutMs: config.EXTRACTOR_VENDOR_TIMEOUT,
    failureBackoffBaseMs: config.EXTRACTOR_FAILURE_BACKOFF,
    reconcileIntervalMs: config.EXTRACTOR_RECONCILE_INTERVAL,
    driftRetryMs: config.EXTRACTOR_DRIFT_RETRY,
    intervalOverrides: config.EXTRACTOR_STREAM_INTERVALS,
    ensureIntervalMs: config.EXTRACTOR_CONNECTIONS_REFRESH,
  };
}

export interface ExtractorModuleOptions {
  readonly config: ExtractorConfig;
  /** The vendors to sync: the connector registry (production: CONNECTORS of libs/connector-registry). */
  readonly connectors: ConnectorRegistry;
}

/** The read side of every registered connector, by vendor (CONNECTOR_READ_SIDES). */
export function readSidesOf(connectors: ConnectorRegistry): ReadonlyMap<Vendor, ConnectorReadSide> {
  return new Map(connectors.connectors.map((c) => [c.descriptor.vendor, c.readSide]));
}

/**
 * The sync engine: cursors and leases, the stream runner, the canonical store and drift reports, and
 * the scheduler loop started at bootstrap and stopped (runs aborted, leases handed back) at shutdown.
 * Needs InfrastructureModule (DATABASE), SessionClientModule (SESSION_CLIENT) and the service's
 * LoggerModule and MetricsModule; the OutboxRelayModule beside it publishes what the runs append.
 */
@Module({})
export class ExtractorModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(SyncScheduler) private readonly scheduler: SyncScheduler) {}

  static forRoot(options: ExtractorModuleOptions): DynamicModule {
    return {
      module: ExtractorModule,
      providers: [
        { provide: CONNECTOR_READ_SIDES, useValue: readSidesOf(options.connectors) },
        { provide: SYNC_OPTIONS, useValue: syncOptionsFromConfig(options.config) },
        {
          provide: SESSION_SOURCE,
          inject: [SESSION_CLIENT],
          useFactory: (client: SessionClient): SessionSource => ({
            acquire: (connectionId) => client.acquire(connectionId),
            invalidate: (connectionId, reason, sessionVersion) =>
              client.invalidate(connectionId, reason, sessionVersion),
          }),
        },
        {
          provide: SyncCursorRepository,
          inject: [DATABASE],
          useFactory: (db: Kysely<DB>) => new SyncCursorRepository(db),
        },
        ChangeLog,
        DriftReportRepository,
        {
          provide: SyncMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new SyncMetrics(registry),
        },
        {
          provide: StreamSyncService,
          inject: [
            DATABASE,
            SyncCursorRepository,
            ChangeLog,
            DriftReportRepository,
            CONNECTOR_READ_SIDES,
            SESSION_SOURCE,
            SyncMetrics,
            SYNC_OPTIONS,
            PinoLogger,
          ],
          useFactory: (
            db: Kysely<DB>,
            cursors: SyncCursorRepository,
            changeLog: ChangeLog,
            drift: DriftReportRepository,
            readSides: ReadonlyMap<Vendor, ConnectorReadSide>,
            sessions: SessionSource,
            metrics: SyncMetrics,
            syncOptions: SyncOptions,
            logger: PinoLogger,
          ) =>
            new StreamSyncService({
              db,
              cursors,
              changeLog,
              drift,
              readSides,
              sessions,
              // Each connection is paced at its vendor's rate (or the operator's), resolved on its first call.
              limiter: new ConnectionRateLimiter(connectionRateOf(db, readSides, syncOptions)),
              metrics,
              options: syncOptions,
              logger: logger.logger,
            }),
        },
        {
          provide: SyncScheduler,
          inject: [SyncCursorRepository, StreamSyncService, CONNECTOR_READ_SIDES, SYNC_OPTIONS, PinoLogger],
          useFactory: (
            cursors: SyncCursorRepository,
            streams: StreamSyncService,
            readSides: ReadonlyMap<Vendor, ConnectorReadSide>,
            syncOptions: SyncOptions,
            logger: PinoLogger,
          ) => new SyncScheduler(cursors, streams, readSides, syncOptions, logger.logger),
        },
      ],
      exports: [CONNECTOR_READ_SIDES, SyncScheduler, StreamSyncService, SyncCursorRepository],
    };
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  /** Before the pool, NATS and the relay close: runs stop and hand their leases back first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
