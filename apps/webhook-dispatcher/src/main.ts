import 'reflect-metadata';
import { jetStreamTransport } from '@fieldsync/infrastructure';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { webhookDispatcherConfigSchema } from './config/webhook-dispatcher.config';

void bootstrapService({
  name: 'webhook-dispatcher',
  config: webhookDispatcherConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // @EventPattern handlers over durable pull consumers; the consumers arrive with the features.
  microservices: ({ app, config, logger }) => [
    jetStreamTransport({ service: 'webhook-dispatcher', app, config, logger, consumers: [] }),
  ],
});
