export { InfrastructureModule, type InfrastructureConfig } from './infrastructure.module';
export { jetStreamTransport } from './jetstream-transport.util';
