import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { SESSION_MANAGER_CONFIG } from './config/config.constants';
import type { SessionManagerConfig } from './config/session-manager.config';

/** session-manager: vendor logins, MFA, credential vault, session refresh. Feature modules join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: SessionManagerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'session-manager', config })],
      providers: [{ provide: SESSION_MANAGER_CONFIG, useValue: config }],
      exports: [SESSION_MANAGER_CONFIG],
    };
  }
}
