import { CONNECTORS } from '@fieldsync/connector-registry';
import { InfrastructureModule, OutboxRelayModule } from '@fieldsync/infrastructure';
import { SessionClientModule } from '@fieldsync/session-client';
import { DynamicModule, Module } from '@nestjs/common';
import { EXTRACTOR_CONFIG } from './config/config.constants';
import type { ExtractorConfig } from './config/extractor.config';
import { ExtractorModule } from './sync/extractor.module';

/** extractor: sync scheduler, readers, change detection into the canonical store, outbox relay. */
@Module({})
export class AppModule {
  static forRoot(config: ExtractorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        InfrastructureModule.forRoot({ service: 'extractor', config }),
        OutboxRelayModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
        }),
        SessionClientModule.forRoot({
          service: 'extractor',
          servers: config.NATS_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
          bootTimeoutMs: config.FIELDSYNC_BOOT_TIMEOUT_MS,
        }),
        ExtractorModule.forRoot({ config, connectors: CONNECTORS }),
      ],
      providers: [{ provide: EXTRACTOR_CONFIG, useValue: config }],
      exports: [EXTRACTOR_CONFIG],
    };
  }
}
