import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { EXTRACTOR_CONFIG } from './config/config.constants';
import type { ExtractorConfig } from './config/extractor.config';

/** extractor: sync scheduler, readers, change detection, outbox relay. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: ExtractorConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'extractor', config })],
      providers: [{ provide: EXTRACTOR_CONFIG, useValue: config }],
      exports: [EXTRACTOR_CONFIG],
    };
  }
}
