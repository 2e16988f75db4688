import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import { HealthModule, streamsSettings } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { WRITER_CONFIG } from './config/config.constants';
import type { WriterConfig } from './config/writer.config';

/** writer: command consumer, idempotency, conflict checks, vendor writes. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: WriterConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'writer',
        }),
        NatsModule.forRoot({
          service: 'writer',
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
      providers: [{ provide: WRITER_CONFIG, useValue: config }],
      exports: [WRITER_CONFIG],
    };
  }
}
