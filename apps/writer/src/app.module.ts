import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { WRITER_CONFIG } from './config/config.constants';
import type { WriterConfig } from './config/writer.config';

/** writer: command consumer, idempotency, conflict checks, vendor writes. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: WriterConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'writer', config })],
      providers: [{ provide: WRITER_CONFIG, useValue: config }],
      exports: [WRITER_CONFIG],
    };
  }
}
