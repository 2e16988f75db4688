import { JetStreamServer, NATS_CONNECTION, type JetStreamConsumerOptions } from '@fieldsync/messaging';
import { METRICS_REGISTRY, type BaseConfig, type StreamsEnvConfig } from '@fieldsync/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * The JetStream transport of a consuming service (`bootstrapService({ microservices })`): durable pull
 * consumers dispatched to `@EventPattern` handlers, on the app's own NATS connection and metrics
 * registry. It gets 60 % of the shutdown budget to drain in-flight handlers; NATS and the pool close after.
 */
export function jetStreamTransport(options: {
  service: string;
  app: INestApplicationContext;
  config: BaseConfig & StreamsEnvConfig;
  logger: Logger;
  consumers: JetStreamConsumerOptions[];
}): JetStreamServer {
  const { service, app, config, logger, consumers } = options;
  return new JetStreamServer({
    service,
    connection: { nc: app.get<NatsConnection>(NATS_CONNECTION) },
    prefix: config.FIELDSYNC_STREAM_PREFIX,
    consumers,
    logger,
    registry: app.get<Registry>(METRICS_REGISTRY),
    shutdownTimeoutMs: Math.floor(config.FIELDSYNC_SHUTDOWN_TIMEOUT_MS * 0.6),
  });
}
