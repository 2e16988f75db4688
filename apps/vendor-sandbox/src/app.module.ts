import { DynamicModule, Module } from '@nestjs/common';
import { VENDOR_SANDBOX_CONFIG } from './config/config.constants';
import type { VendorSandboxConfig } from './config/vendor-sandbox.config';
import { sandboxHealthModule } from './health/sandbox-health.module';
import { PortalModule } from './portal/portal.module';

/** vendor-sandbox: simulated portals of the vendors, each on its own port, and their control API. */
@Module({})
export class AppModule {
  static forRoot(config: VendorSandboxConfig): DynamicModule {
    const portals = PortalModule.forRoot();
    return {
      module: AppModule,
      global: true,
      imports: [portals, sandboxHealthModule(portals)],
      providers: [{ provide: VENDOR_SANDBOX_CONFIG, useValue: config }],
      exports: [VENDOR_SANDBOX_CONFIG],
    };
  }
}
