import type { ReadinessCheck } from '@fieldsync/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { VENDOR_SANDBOX_CONFIG } from '../config/config.constants';
import type { VendorSandboxConfig } from '../config/vendor-sandbox.config';
import { SandboxWorldHost } from '../world-host/sandbox-world.host';
import { PORTAL_SERVERS, SANDBOX_WORLD, VENDOR_PORTALS } from './portal.constants';
import { createPortals } from './portal.registry';
import type { VendorPortal } from './portal.types';
import { PortalServers } from './portal-servers';
import { SandboxIndexController } from './sandbox-index.controller';

/**
 * The vendor portals, each a Fastify server on its own port, and the portal index on the main port.
 * They all render one world (SANDBOX_SEED, SANDBOX_SIZE), generated at boot and reset through the control API.
 */
@Module({})
export class PortalModule {
  static forRoot(options: { portals?: readonly VendorPortal[] } = {}): DynamicModule {
    return {
      module: PortalModule,
      controllers: [SandboxIndexController],
      providers: [
        {
          provide: VENDOR_PORTALS,
          inject: [VENDOR_SANDBOX_CONFIG],
          useFactory: (config: VendorSandboxConfig) =>
            options.portals ?? createPortals({ apiLimits: config.SANDBOX_API_LIMITS }),
        },
        {
          provide: SANDBOX_WORLD,
          inject: [VENDOR_SANDBOX_CONFIG],
          useFactory: (config: VendorSandboxConfig) =>
            new SandboxWorldHost({
              seed: config.SANDBOX_SEED,
              size: config.SANDBOX_SIZE,
              ratePerMinute: config.SANDBOX_ACTIVITY_RATE,
              clock: config.SANDBOX_CLOCK,
            }),
        },
        {
          provide: PORTAL_SERVERS,
          inject: [VENDOR_PORTALS, VENDOR_SANDBOX_CONFIG, PinoLogger, SANDBOX_WORLD],
          useFactory: (
            portals: readonly VendorPortal[],
            config: VendorSandboxConfig,
            logger: PinoLogger,
            world: SandboxWorldHost,
          ) => PortalServers.start(portals, config, logger.logger, world),
        },
      ],
      exports: [PORTAL_SERVERS, SANDBOX_WORLD],
    };
  }
}

/** Readiness: every portal listening. */
export function portalsReadinessCheck(servers: PortalServers): ReadinessCheck {
  return {
    name: 'portals',
    check: async () => {
      const down = servers.notListening();
      if (down.length > 0) throw new Error(`not listening: ${down.join(', ')}`);
    },
  };
}
