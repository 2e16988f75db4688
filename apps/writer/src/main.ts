import 'reflect-metadata';
import { jetStreamTransport } from '@fieldsync/infrastructure';
import { commandsFilter } from '@fieldsync/messaging';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { writerConsumerFromConfig } from './commands/writer.module';
import { writerConfigSchema } from './config/writer.config';

void bootstrapService({
  name: 'writer',
  config: writerConfigSchema,
  module: (config) => AppModule.forRoot(config),
  microservices: ({ app, config, logger }) => {
    const consumer = writerConsumerFromConfig(config);
    return [
      jetStreamTransport({
        service: 'writer',
        app,
        config,
        logger,
        consumers: [
          {
            stream: 'commands',
            durable: consumer.durable,
            filterSubject: commandsFilter(),
            ackWaitMs: consumer.ackWaitMs,
            maxDeliver: consumer.maxDeliver,
            concurrency: consumer.inFlight,
            maxAckPending: Math.max(1_000, consumer.inFlight * 2),
            // The handler answers malformed messages itself (a `rejected` result naming the field).
            rawPayload: true,
          },
        ],
      }),
    ];
  },
});
