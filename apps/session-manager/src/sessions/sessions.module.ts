import { BrowserPool, type AuthFlow, type ConnectorRegistry } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { ChangeLog, SyncCursorRepository } from '@fieldsync/persistence';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsController } from '../connections/connections.controller';
import { ConnectionsRepository } from '../connections/connections.repository';
import { ConnectionSyncService } from '../connections/connection-sync.service';
import { ConnectionsService } from '../connections/connections.service';
import { MfaModule } from '../mfa/mfa.module';
import { SessionTokenService } from '../tokens/session-token.service';
import { LoginFailureRecorder } from './login-failure.recorder';
import { LoginSuccessRecorder } from './login-success.recorder';
import { LoginCoordinator } from './login.coordinator';
import { LoginRunner } from './login.runner';
import { MfaRequiredNotifier } from './mfa-required.notifier';
import { AUTH_FLOWS, BROWSER_POOL } from './session.constants';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionInvalidationWriter } from './session-invalidation.writer';
import { SessionMetrics } from './session.metrics';
import { SessionPolicies } from './session-policies';
import { SessionProber } from './session.prober';
import { SessionRefresher } from './session.refresher';
import { SessionReleaser } from './session.releaser';
import { SessionShutdownService } from './session-shutdown.service';
import { SessionService } from './session.service';
import { SessionVault } from './session.vault';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsRequestHandler } from './sessions-request.handler';

/**
 * The one registry of auth flows this service runs (CONVENTIONS "Connectors"): a vendor without an
 * entry cannot get a connection, and two entries for one vendor fail the boot.
 */
export function authFlowRegistry(flows: readonly AuthFlow[]): ReadonlyMap<string, AuthFlow> {
  const map = new Map<string, AuthFlow>();
  for (const flow of flows) {
    if (map.has(flow.vendor)) throw new Error(`two auth flows registered for vendor ${flow.vendor}`);
    map.set(flow.vendor, flow);
  }
  return map;
}

/**
 * The login of every vendor of the connector registry (and of nothing else), with the session lifetimes
 * SESSION_TIMEOUTS overrides.
 */
export function authFlowsFor(
  config: Pick<SessionManagerConfig, 'SESSION_TIMEOUTS'>,
  connectors: ConnectorRegistry = CONNECTORS,
): readonly AuthFlow[] {
  return connectors.connectors.map((c) =>
    c.authFlows.create(config.SESSION_TIMEOUTS[c.descriptor.vendor] ?? {}),
  );
}

/** Connections, logins, stored sessions, their refresh, and the NATS and HTTP interfaces to them. */
@Module({
  imports: [MfaModule],
  controllers: [ConnectionsController, SessionsController, SessionsRequestHandler],
  providers: [
    {
      provide: AUTH_FLOWS,
      inject: [SESSION_MANAGER_CONFIG],
      useFactory: (config: SessionManagerConfig) => authFlowRegistry(authFlowsFor(config)),
    },
    {
      provide: BROWSER_POOL,
      inject: [SESSION_MANAGER_CONFIG],
      useFactory: (config: SessionManagerConfig) =>
        new BrowserPool({
          executablePath: config.CHROMIUM_PATH,
          maxConcurrent: config.SESSION_BROWSER_CONCURRENCY,
        }),
    },
    ChangeLog,
    ConnectionsRepository,
    ConnectionsService,
    ConnectionSyncService,
    SyncCursorRepository,
    SessionsRepository,
    SessionVault,
    SessionEventsPublisher,
    SessionMetrics,
    SessionPolicies,
    LoginRunner,
    MfaRequiredNotifier,
    LoginSuccessRecorder,
    LoginFailureRecorder,
    LoginCoordinator,
    SessionInvalidationWriter,
    SessionProber,
    SessionService,
    SessionRefresher,
    SessionReleaser,
    SessionShutdownService,
    SessionTokenService,
  ],
  exports: [SessionService, ConnectionsService, SessionRefresher],
})
export class SessionsModule implements OnApplicationShutdown {
  constructor(@Inject(BROWSER_POOL) private readonly pool: BrowserPool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}
