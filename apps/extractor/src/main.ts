import 'reflect-metadata';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { extractorConfigSchema } from './config/extractor.config';

void bootstrapService({
  name: 'extractor',
  config: extractorConfigSchema,
  module: (config) => AppModule.forRoot(config),
});
