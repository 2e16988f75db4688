import 'reflect-metadata';
import { jetStreamTransport } from '@fieldsync/infrastructure';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { writerConfigSchema } from './config/writer.config';

void bootstrapService({
  name: 'writer',
  config: writerConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // @EventPattern handlers over durable pull consumers; the consumers arrive with the features.
  microservices: ({ app, config, logger }) => [
    jetStreamTransport({ service: 'writer', app, config, logger, consumers: [] }),
  ],
});
