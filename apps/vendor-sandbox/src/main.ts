import 'reflect-metadata';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { vendorSandboxConfigSchema } from './config/vendor-sandbox.config';

void bootstrapService({
  name: 'vendor-sandbox',
  config: vendorSandboxConfigSchema,
  module: (config) => AppModule.forRoot(config),
});
