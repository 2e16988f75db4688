export { InfrastructureModule, type InfrastructureConfig } from './infrastructure.module';
export { jetStreamTransport } from './jetstream-transport.util';
export { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';
export { OutboxRelayModule } from './outbox-relay.module';
