import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import { HealthModule, streamsSettings } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { EXTRACTOR_CONFIG } from './config/config.constants';
import type { ExtractorConfig } from './config/extractor.config';

/** extractor: sync scheduler, readers, change detection, outbox relay. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: ExtractorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'extractor',
        }),
        NatsModule.forRoot({
          service: 'extractor',
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
      providers: [{ provide: EXTRACTOR_CONFIG, useValue: config }],
      exports: [EXTRACTOR_CONFIG],
    };
  }
}
