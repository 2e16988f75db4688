import type { AuthFlow } from '@fieldsync/connector-kit';
import { BrowserPool } from '@fieldsync/connector-kit';
import { JOBBER_SESSION_POLICY, JobberAuthFlow } from '@fieldsync/connectors/jobber';
import { SERVICETITAN_SESSION_POLICY, ServiceTitanAuthFlow } from '@fieldsync/connectors/servicetitan';
import { ChangeEventRepository } from '@fieldsync/persistence';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from '../config/config.constants';
import type { SessionManagerConfig } from '../config/session-manager.config';
import { ConnectionsController } from '../connections/connections.controller';
import { ConnectionsRepository } from '../connections/connections.repository';
import { ConnectionsService } from '../connections/connections.service';
import { MfaModule } from '../mfa/mfa.module';
import { SessionTokenService } from '../tokens/session-token.service';
import { LoginRunner } from './login.runner';
import { AUTH_FLOWS, BROWSER_POOL } from './session.constants';
import { SessionEventsPublisher } from './session-events.publisher';
import { SessionMetrics } from './session.metrics';
import { SessionPolicies } from './session-policies';
import { SessionRefresher } from './session.refresher';
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

/** Every vendor this service logs into, with the session lifetimes SESSION_TIMEOUTS overrides. */
export function authFlowsFor(config: Pick<SessionManagerConfig, 'SESSION_TIMEOUTS'>): readonly AuthFlow[] {
  const { servicetitan = {}, jobber = {} } = config.SESSION_TIMEOUTS;
  return [
    new ServiceTitanAuthFlow({ sessionPolicy: { ...SERVICETITAN_SESSION_POLICY, ...servicetitan } }),
    new JobberAuthFlow({ sessionPolicy: { ...JOBBER_SESSION_POLICY, ...jobber } }),
  ];
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
    ChangeEventRepository,
    ConnectionsRepository,
    ConnectionsService,
    SessionsRepository,
    SessionVault,
    SessionEventsPublisher,
    SessionMetrics,
    SessionPolicies,
    LoginRunner,
    SessionService,
    SessionRefresher,
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
