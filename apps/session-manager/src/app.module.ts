import { InfrastructureModule, OutboxRelayModule } from '@fieldsync/infrastructure';
import { ADMIN_TOKEN } from '@fieldsync/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from './config/config.constants';
import type { SessionManagerConfig } from './config/session-manager.config';
import { SessionsModule } from './sessions/sessions.module';
import { Vault } from '@fieldsync/vault';
import { vaultProvider } from './vault/vault.providers';

/** session-manager: vendor logins, MFA, credential vault, session refresh. */
@Module({})
export class AppModule {
  static forRoot(config: SessionManagerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        InfrastructureModule.forRoot({ service: 'session-manager', config }),
        OutboxRelayModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          prefix: config.FIELDSYNC_STREAM_PREFIX,
        }),
        SessionsModule,
      ],
      providers: [
        { provide: SESSION_MANAGER_CONFIG, useValue: config },
        { provide: ADMIN_TOKEN, useValue: config.FIELDSYNC_ADMIN_TOKEN },
        vaultProvider(config),
      ],
      exports: [SESSION_MANAGER_CONFIG, ADMIN_TOKEN, Vault],
    };
  }
}
