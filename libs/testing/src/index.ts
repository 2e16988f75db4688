export { canonicalFactory, type CanonicalFactory } from './factories/canonical.factory';
export { testConnectors } from './factories/connector.factory';
export {
  bootTestApp,
  type BootTestAppOptions,
  type TestApp,
  type TestResponse,
} from './nest/boot-test-app.util';
export { expectEventually, type EventuallyOptions } from './assertions/expect-eventually.util';
export { freePort } from './services/free-port.util';
export { deleteStreamsWithPrefix } from './services/delete-streams.util';
export { readStreamJson } from './services/read-stream.util';
export { createScratchDatabase, type ScratchDatabase } from './services/scratch-database.util';
export { blackholeServer, type BlackholeServer } from './process/blackhole-server.util';
export {
  killSpawnedServices,
  msFromStartingToExit,
  spawnReady,
  spawnService,
  type ServiceExit,
  type SpawnedService,
} from './process/spawn-service.util';
export { startSessionManager, type RunningSessionManager } from './process/session-manager.fixture';
export { waitForPort } from './services/wait-for-port.util';
export {
  startWebhookReceiver,
  verifyDelivery,
  type ReceivedDelivery,
  type Responder,
  type ScriptedResponse,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './webhooks/webhook-receiver';
export {
  sandboxAuthContext,
  type SandboxAuthContext,
  type SandboxAuthContextOptions,
} from './sandbox/sandbox-auth-context.util';
export {
  launchChromium,
  startSandbox,
  type PortalHandle,
  type RunningSandbox,
} from './sandbox/sandbox.fixture';
export {
  OutboxCodeTimeoutError,
  outboxTo,
  waitForOutboxCode,
  type OutboxCodeRequest,
} from './sandbox/sandbox-outbox.util';
export { totpCode, userOf } from './sandbox/sandbox-users.util';
export type { LoginCounts, LoginsReport, OutboxMessage, SandboxUser } from './sandbox/sandbox.types';
import { PrivateNats, type PrivateNatsOptions } from './services/private-nats';
import { PrivatePostgres, type PrivatePostgresOptions } from './services/private-postgres';

export { PrivateNats, type PrivateNatsOptions } from './services/private-nats';
export { PrivatePostgres, postgresBinDir, type PrivatePostgresOptions } from './services/private-postgres';
export {
  provideNats,
  providePostgres,
  startEmbeddedPostgres,
  type DiscoveryOptions,
  type ProvidedService,
  type ServiceSource,
} from './services/service-discovery';
export {
  createTestDatabase,
  getTestServices,
  uniqueStreamPrefix,
  type TestDatabase,
  type TestServices,
} from './services/test-services';

/** Starts a private nats-server -js for fault tests (kill, stop, start, restart); dispose() in afterAll. */
export const startPrivateNats = (options?: PrivateNatsOptions): Promise<PrivateNats> =>
  PrivateNats.start(options);
/** Starts a private Postgres cluster for fault tests; dispose() in afterAll. */
export const startPrivatePostgres = (options?: PrivatePostgresOptions): Promise<PrivatePostgres> =>
  PrivatePostgres.start(options);
