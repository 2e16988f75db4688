import 'reflect-metadata';
import { SessionsNatsServer } from '@fieldsync/messaging';
import { bootstrapService } from '@fieldsync/platform';
import { AppModule } from './app.module';
import { sessionManagerConfigSchema } from './config/session-manager.config';

void bootstrapService({
  name: 'session-manager',
  config: sessionManagerConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // fsm.sessions.<connection>.acquire|invalidate|status over core NATS request/reply.
  microservices: ({ config, logger }) => {
    if (config.FIELDSYNC_ADMIN_TOKEN === undefined) {
      logger.warn(
        'FIELDSYNC_ADMIN_TOKEN is not set: the connections admin API is open (NODE_ENV development or test only; production refuses to boot)',
      );
    }
    return [
      new SessionsNatsServer({
        servers: config.NATS_URL,
        prefix: config.FIELDSYNC_STREAM_PREFIX,
        name: 'session-manager',
      }),
    ];
  },
});
