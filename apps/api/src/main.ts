import 'reflect-metadata';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { apiConfigSchema } from './config/api.config';

void bootstrapService({
  name: 'api',
  config: apiConfigSchema,
  module: (config) => AppModule.forRoot(config),
});
