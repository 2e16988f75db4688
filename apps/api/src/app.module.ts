import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import { HealthModule, streamsSettings } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { API_CONFIG } from './config/config.constants';
import type { ApiConfig } from './config/api.config';

/** api: the REST surface of the seeds (sessions, customers, jobs ...). Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'api',
        }),
        NatsModule.forRoot({
          service: 'api',
          servers: config.NATS_URL,
          streams: parseStreamsConfig(streamsSettings(config)),
          bootTimeoutMs: config.FIELDSYNC_BOOT_TIMEOUT_MS,
        }),
        // Ready = Postgres answers with every migration applied, NATS is connected and the streams exist.
        HealthModule.forRootAsync({
          inject: [DATABASE, NATS_CONNECTION],
          useFactory: (db: Kysely<DB>, nc: NatsConnection) => [
            databaseReadinessCheck(db),
            natsReadinessCheck(nc, config.FIELDSYNC_STREAM_PREFIX),
          ],
        }),
      ],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
