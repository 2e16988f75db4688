import 'reflect-metadata';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { sessionManagerConfigSchema } from './config/session-manager.config';

void bootstrapService({
  name: 'session-manager',
  config: sessionManagerConfigSchema,
  module: (config) => AppModule.forRoot(config),
});
