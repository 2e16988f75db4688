import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import {
  HealthModule,
  streamsSettings,
  type BaseConfig,
  type DatabaseConfig,
  type NatsConfig,
  type StreamsEnvConfig,
} from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';

export type InfrastructureConfig = BaseConfig & DatabaseConfig & NatsConfig & StreamsEnvConfig;

/**
 * What every backend service runs on, wired once: the Postgres pool (closed at shutdown), the NATS
 * connection with the four streams brought in line with config (drained at shutdown), and
 * `/health/ready` over both — Postgres answering with every migration applied, NATS connected and the
 * streams present. The same checks gate the boot (bootstrapService).
 */
@Module({})
export class InfrastructureModule {
  static forRoot(options: { service: string; config: InfrastructureConfig }): DynamicModule {
    const { service, config } = options;
    return {
      module: InfrastructureModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: service,
        }),
        NatsModule.forRoot({
          service,
          servers: config.NATS_URL,
          streams: parseStreamsConfig(streamsSettings(config)),
          bootTimeoutMs: config.FIELDSYNC_BOOT_TIMEOUT_MS,
        }),
        HealthModule.forRootAsync({
          inject: [DATABASE, NATS_CONNECTION],
          useFactory: (db: Kysely<DB>, nc: NatsConnection) => [
            databaseReadinessCheck(db),
            natsReadinessCheck(nc, config.FIELDSYNC_STREAM_PREFIX),
          ],
        }),
      ],
    };
  }
}
