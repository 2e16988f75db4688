import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { WEBHOOK_DISPATCHER_CONFIG } from './config/config.constants';
import type { WebhookDispatcherConfig } from './config/webhook-dispatcher.config';

/** webhook-dispatcher: endpoint registry, fan-out, signing, retries, replay. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: WebhookDispatcherConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'webhook-dispatcher', config })],
      providers: [{ provide: WEBHOOK_DISPATCHER_CONFIG, useValue: config }],
      exports: [WEBHOOK_DISPATCHER_CONFIG],
    };
  }
}
