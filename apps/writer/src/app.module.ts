import { CONNECTORS } from '@fieldsync/connector-registry';
import { InfrastructureModule, OutboxRelayModule } from '@fieldsync/infrastructure';
import { SessionClientModule } from '@fieldsync/session-client';
import { DynamicModule, Module } from '@nestjs/common';
import { WriterModule } from './commands/writer.module';
import { WRITER_CONFIG } from './config/config.constants';
import type { WriterConfig } from './config/writer.config';

/** writer: command consumer, idempotency, conflict checks, vendor writes, results, outbox relay. */
@Module({})
export class AppModule {
  static forRoot(config: WriterConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        InfrastructureModule.forRoot({ service: 'writer', config }),
        // The writer's change events go out without waiting for the extractor's relay.
        OutboxRelayModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
        }),
        SessionClientModule.forRoot({
          service: 'writer',
          servers: config.NATS_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
          bootTimeoutMs: config.FIELDSYNC_BOOT_TIMEOUT_MS,
        }),
        WriterModule.forRoot({ config, connectors: CONNECTORS }),
      ],
      providers: [{ provide: WRITER_CONFIG, useValue: config }],
      exports: [WRITER_CONFIG],
    };
  }
}
