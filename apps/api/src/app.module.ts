import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { API_CONFIG } from './config/config.constants';
import type { ApiConfig } from './config/api.config';

/** api: the REST surface of the seeds (sessions, customers, jobs ...). Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'api', config })],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
