import { ChangeEventRepository } from '@fieldsync/persistence';
import { DynamicModule, Module } from '@nestjs/common';
import { OUTBOX_RELAY_OPTIONS } from './outbox.constants';
import { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';

/** The outbox relay of a service that appends events (needs InfrastructureModule for DB and NATS). */
@Module({})
export class OutboxRelayModule {
  static forRoot(options: OutboxRelayOptions): DynamicModule {
    return {
      module: OutboxRelayModule,
      providers: [{ provide: OUTBOX_RELAY_OPTIONS, useValue: options }, ChangeEventRepository, OutboxRelay],
      exports: [OutboxRelay, ChangeEventRepository],
    };
  }
}
