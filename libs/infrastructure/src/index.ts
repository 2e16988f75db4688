export { InfrastructureModule, type InfrastructureConfig } from './infrastructure.module';
export { jetStreamTransport } from './jetstream-transport.util';
export { OUTBOX_CHANNEL } from './outbox.constants';
export { OutboxRelay, type OutboxRelayOptions } from './outbox.relay';
export { OutboxRelayModule } from './outbox-relay.module';
export { toOutboxEntry } from './outbox-entry.util';
