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
            // A plain ack, not a confirmed one (a request and its reply per command): the idempotency key
            // is what makes a command exactly-once. An ack the server never got redelivers the command
            // after ack wait, and its completed key answers it `replayed` with the stored result (the result
            // message keeps its `Nats-Msg-Id`, so FSM_RESULTS drops the copy); the vendor is not called.
            confirmAck: false,
          },
        ],
      }),
    ];
  },
});
