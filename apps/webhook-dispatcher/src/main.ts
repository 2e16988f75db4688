import 'reflect-metadata';
import { jetStreamTransport } from '@fieldsync/infrastructure';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { webhookDispatcherConfigSchema } from './config/webhook-dispatcher.config';
import { fanoutConsumer } from './fanout/fanout.consumer';

void bootstrapService({
  name: 'webhook-dispatcher',
  config: webhookDispatcherConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // FSM_EVENTS → the delivery ledger (FanoutHandler); delivery itself runs from Postgres.
  microservices: ({ app, config, logger }) => {
    if (config.FIELDSYNC_ADMIN_TOKEN === undefined) {
      logger.warn(
        'FIELDSYNC_ADMIN_TOKEN is not set: the endpoints admin API is open (NODE_ENV development or test only; production refuses to boot)',
      );
    }
    return [
      jetStreamTransport({
        service: 'webhook-dispatcher',
        app,
        config,
        logger,
        consumers: [fanoutConsumer(config.WEBHOOK_FANOUT_CONCURRENCY)],
      }),
    ];
  },
});
