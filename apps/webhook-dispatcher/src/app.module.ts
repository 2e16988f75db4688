import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import { HealthModule, streamsSettings } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { WEBHOOK_DISPATCHER_CONFIG } from './config/config.constants';
import type { WebhookDispatcherConfig } from './config/webhook-dispatcher.config';

/** webhook-dispatcher: endpoint registry, fan-out, signing, retries, replay. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: WebhookDispatcherConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'webhook-dispatcher',
        }),
        NatsModule.forRoot({
          service: 'webhook-dispatcher',
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
      providers: [{ provide: WEBHOOK_DISPATCHER_CONFIG, useValue: config }],
      exports: [WEBHOOK_DISPATCHER_CONFIG],
    };
  }
}
