import { hostname } from 'node:os';
import type { CommandResult } from '@fieldsync/canonical-model';
import { BrowserPool, type ConnectorRegistry } from '@fieldsync/connector-kit';
import { JetStreamPublisher, NATS_CONNECTION, resultSubject } from '@fieldsync/messaging';
import { ChangeLog, DATABASE, type DB } from '@fieldsync/persistence';
import { ConnectionRateLimiter, METRICS_REGISTRY } from '@fieldsync/platform';
import { SESSION_CLIENT, type SessionClient } from '@fieldsync/session-client';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import type { Registry } from 'prom-client';
import type { WriterConfig } from '../config/writer.config';
import { IdempotencyPurge } from '../idempotency/idempotency-purge.service';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { CommandExecutor, type WriterOptions, type WriterSessionSource } from './command-executor';
import { CommandsHandler } from './commands.handler';
import {
  CONNECTOR_REGISTRY,
  RESULT_PUBLISHER,
  WRITER_BROWSERS,
  WRITER_CONSUMER,
  WRITER_OPTIONS,
  WRITER_SESSIONS,
  WriterShutdown,
  type WriterConsumerSettings,
} from './writer.constants';
import { WriterMetrics } from './writer.metrics';

/** WriterConfig → the executor's options. */
export function writerOptionsFromConfig(config: WriterConfig): WriterOptions {
  return {
    workerId: config.WRITER_WORKER_ID ?? `${hostname()}-${process.pid}`,
    idempotencyTtlMs: config.WRITER_IDEMPOTENCY_TTL,
    inFlightWaitMs: config.WRITER_IN_FLIGHT_WAIT,
    leaseMs: config.WRITER_LEASE,
    maxAttempts: config.WRITER_MAX_ATTEMPTS,
    retryBaseMs: config.WRITER_RETRY_BASE,
    retryMaxMs: Math.max(config.WRITER_RETRY_BASE, config.WRITER_RETRY_MAX),
    maxRetryAfterMs: config.WRITER_MAX_RETRY_AFTER,
    vendorTimeoutMs: config.WRITER_VENDOR_TIMEOUT,
    crashAfterVendorWrite: config.WRITER_TEST_CRASH_AFTER_VENDOR_WRITE,
  };
}

/** The FSM_COMMANDS consumer: enough deliveries for a few Retry-After waits before a command is given up. */
export function writerConsumerFromConfig(config: WriterConfig): WriterConsumerSettings {
  return {
    durable: 'writer-commands',
    maxDeliver: 20,
    ackWaitMs: config.WRITER_ACK_WAIT,
    concurrency: config.WRITER_CONCURRENCY,
    connectionConcurrency: config.WRITER_CONNECTION_CONCURRENCY,
    // Room for commands waiting behind their entity or their connection's share without holding back others.
    inFlight: Math.max(64, config.WRITER_CONCURRENCY * 8),
  };
}

export interface WriterModuleOptions {
  readonly config: WriterConfig;
  /** The vendors (production: CONNECTORS of libs/connector-registry). */
  readonly connectors: ConnectorRegistry;
}

/**
 * Commands from FSM_COMMANDS executed exactly once: the consumer's handler, the executor (idempotency
 * keys, recovery points, conflict checks, vendor calls, bookkeeping), results on FSM_RESULTS and the
 * purge of expired keys. Needs InfrastructureModule, SessionClientModule and the OutboxRelayModule beside it.
 */
@Module({})
export class WriterModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(IdempotencyPurge) private readonly purge: IdempotencyPurge,
    @Inject(WriterShutdown) private readonly shutdown: WriterShutdown,
    @Inject(WRITER_BROWSERS) private readonly browsers: BrowserPool,
  ) {}

  static forRoot(options: WriterModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: WriterModule,
      controllers: [CommandsHandler],
      providers: [
        WriterShutdown,
        { provide: WRITER_OPTIONS, useValue: writerOptionsFromConfig(config) },
        { provide: WRITER_CONSUMER, useValue: writerConsumerFromConfig(config) },
        { provide: CONNECTOR_REGISTRY, useValue: options.connectors },
        {
          // Chromium starts at the first web-app write and stops when idle; closed at shutdown.
          provide: WRITER_BROWSERS,
          useFactory: () =>
            new BrowserPool({
              executablePath: config.CHROMIUM_PATH,
              maxConcurrent: config.WRITER_BROWSER_CONCURRENCY,
            }),
        },
        {
          provide: WRITER_SESSIONS,
          inject: [SESSION_CLIENT],
          useFactory: (client: SessionClient): WriterSessionSource => ({
            acquire: (connectionId) => client.acquire(connectionId),
            invalidate: (connectionId, reason, sessionVersion) =>
              client.invalidate(connectionId, reason, sessionVersion),
          }),
        },
        {
          provide: RESULT_PUBLISHER,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => {
            const publisher = new JetStreamPublisher({ nc, prefix: config.FIELDSYNC_STREAM_PREFIX });
            return async (tenantId: string, result: CommandResult): Promise<void> => {
              await publisher.publish(resultSubject({ tenantId, commandId: result.commandId }), result, {
                msgId: `result-${result.commandId}`,
                tenantId,
                correlationId: result.commandId,
                expectStream: 'results',
              });
            };
          },
        },
        {
          provide: IdempotencyRepository,
          inject: [DATABASE],
          useFactory: (db: Kysely<DB>) => new IdempotencyRepository(db),
        },
        {
          provide: WriterMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new WriterMetrics(registry),
        },
        ChangeLog,
        {
          provide: CommandExecutor,
          inject: [
            DATABASE,
            IdempotencyRepository,
            ChangeLog,
            CONNECTOR_REGISTRY,
            WRITER_BROWSERS,
            WRITER_SESSIONS,
            RESULT_PUBLISHER,
            WriterMetrics,
            WRITER_OPTIONS,
            PinoLogger,
          ],
          useFactory: (
            db: Kysely<DB>,
            keys: IdempotencyRepository,
            changeLog: ChangeLog,
            connectors: ConnectorRegistry,
            browsers: BrowserPool,
            sessions: WriterSessionSource,
            publishResult: (tenantId: string, result: CommandResult) => Promise<void>,
            metrics: WriterMetrics,
            writerOptions: WriterOptions,
            logger: PinoLogger,
          ) =>
            new CommandExecutor({
              db,
              keys,
              changeLog,
              connectors,
              browsers,
              sessions,
              limiter: new ConnectionRateLimiter(config.WRITER_REQUESTS_PER_SECOND),
              publishResult,
              metrics,
              options: writerOptions,
              logger: logger.logger.child({ component: 'CommandExecutor' }),
            }),
        },
        {
          provide: IdempotencyPurge,
          inject: [IdempotencyRepository, PinoLogger],
          useFactory: (keys: IdempotencyRepository, logger: PinoLogger) =>
            new IdempotencyPurge(
              keys,
              { intervalMs: config.WRITER_PURGE_INTERVAL, leaseMs: config.WRITER_LEASE },
              logger.logger.child({ component: 'IdempotencyPurge' }),
            ),
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    this.purge.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.stop();
    await this.purge.stop();
    await this.browsers.close();
  }
}
