import 'reflect-metadata';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamServer, NATS_CONNECTION } from '@fieldsync/messaging';
import { bootstrapService, METRICS_REGISTRY } from '@fieldsync/platform';
import type { Registry } from 'prom-client';
import { AppModule } from './app.module';
import { webhookDispatcherConfigSchema } from './config/webhook-dispatcher.config';

void bootstrapService({
  name: 'webhook-dispatcher',
  config: webhookDispatcherConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // @EventPattern handlers over durable pull consumers; the consumers arrive with the features.
  microservices: ({ app, config, logger }) => [
    new JetStreamServer({
      service: 'webhook-dispatcher',
      connection: { nc: app.get<NatsConnection>(NATS_CONNECTION) },
      prefix: config.FIELDSYNC_STREAM_PREFIX,
      consumers: [],
      logger,
      registry: app.get<Registry>(METRICS_REGISTRY),
      // leave the rest of the shutdown budget for NATS and the pool
      shutdownTimeoutMs: Math.floor(config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS * 0.6),
    }),
  ],
});
