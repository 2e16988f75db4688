import { InfrastructureModule, OutboxRelayModule } from '@fieldsync/infrastructure';
import { ADMIN_TOKEN } from '@fieldsync/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { WEBHOOK_DISPATCHER_CONFIG } from './config/config.constants';
import type { WebhookDispatcherConfig } from './config/webhook-dispatcher.config';
import { DeliveryModule } from './delivery/delivery.module';
import type { Resolver } from './egress/guarded-connector';
import { EndpointsModule } from './endpoints/endpoints.module';
import { FanoutModule } from './fanout/fanout.module';

/**
 * webhook-dispatcher: the endpoint registry (admin API), fan-out of FSM_EVENTS into the Postgres delivery
 * ledger, signed delivery with retries, replay, and the operational events about it.
 */
@Module({})
export class AppModule {
  static forRoot(config: WebhookDispatcherConfig, options: { resolver?: Resolver } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        InfrastructureModule.forRoot({ service: 'webhook-dispatcher', config }),
        // Its operational events go through the change log; any service's relay publishes them, its own too.
        OutboxRelayModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
        }),
        DeliveryModule.forRoot(config, options),
        EndpointsModule,
        FanoutModule,
      ],
      providers: [
        { provide: WEBHOOK_DISPATCHER_CONFIG, useValue: config },
        { provide: ADMIN_TOKEN, useValue: config.FIELDSYNC_ADMIN_TOKEN },
      ],
      exports: [WEBHOOK_DISPATCHER_CONFIG, ADMIN_TOKEN],
    };
  }
}
