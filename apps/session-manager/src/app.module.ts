import { NATS_CONNECTION, NatsModule, natsReadinessCheck, parseStreamsConfig } from '@fieldsync/messaging';
import { DATABASE, databaseReadinessCheck, PersistenceModule, type DB } from '@fieldsync/persistence';
import { HealthModule, streamsSettings } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { DynamicModule, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { SESSION_MANAGER_CONFIG } from './config/config.constants';
import type { SessionManagerConfig } from './config/session-manager.config';

/** session-manager: vendor logins, MFA, credential vault, session refresh. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: SessionManagerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'session-manager',
        }),
        NatsModule.forRoot({
          service: 'session-manager',
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
      providers: [{ provide: SESSION_MANAGER_CONFIG, useValue: config }],
      exports: [SESSION_MANAGER_CONFIG],
    };
  }
}
