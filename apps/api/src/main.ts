import 'reflect-metadata';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { apiConfigSchema } from './config/api.config';
import { requestIdOf } from './http/request-id.util';

void bootstrapService({
  name: 'api',
  config: apiConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // the caller's X-Request-Id is validated by requestIdOf, never taken as is
  fastify: { genReqId: requestIdOf, requestIdHeader: false, bodyLimit: 1024 * 1024 },
});
