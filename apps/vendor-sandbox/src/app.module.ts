import { DynamicModule, Module } from '@nestjs/common';
import { VENDOR_SANDBOX_CONFIG } from './config/config.constants';
import type { VendorSandboxConfig } from './config/vendor-sandbox.config';
import { sandboxHealthModule } from './health/sandbox-health.module';

/** vendor-sandbox: simulated portals of the five vendors. The portals join the imports as they are built. */
@Module({})
export class AppModule {
  static forRoot(config: VendorSandboxConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [sandboxHealthModule()],
      providers: [{ provide: VENDOR_SANDBOX_CONFIG, useValue: config }],
      exports: [VENDOR_SANDBOX_CONFIG],
    };
  }
}
