import type { ReadinessCheck } from '@fieldsync/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { VENDOR_SANDBOX_CONFIG } from '../config/config.constants';
import type { VendorSandboxConfig } from '../config/vendor-sandbox.config';
import { PORTAL_SERVERS, SANDBOX_WORLD_CONTROL, VENDOR_PORTALS } from './portal.constants';
import { PORTALS } from './portal.registry';
import type { SandboxWorldControl, VendorPortal } from './portal.types';
import { PortalServers } from './portal-servers';
import { SandboxIndexController } from './sandbox-index.controller';

/**
 * The vendor portals, each a Fastify server on its own port, and the portal index on the main port.
 * The world joins through SANDBOX_WORLD_CONTROL (optional: without it the world endpoints say 501).
 */
@Module({})
export class PortalModule {
  static forRoot(options: { portals?: readonly VendorPortal[] } = {}): DynamicModule {
    return {
      module: PortalModule,
      controllers: [SandboxIndexController],
      providers: [
        { provide: VENDOR_PORTALS, useValue: options.portals ?? PORTALS },
        {
          provide: PORTAL_SERVERS,
          inject: [
            VENDOR_PORTALS,
            VENDOR_SANDBOX_CONFIG,
            PinoLogger,
            { token: SANDBOX_WORLD_CONTROL, optional: true },
          ],
          useFactory: (
            portals: readonly VendorPortal[],
            config: VendorSandboxConfig,
            logger: PinoLogger,
            world: SandboxWorldControl | undefined,
          ) => PortalServers.start(portals, config, logger.logger, world ?? undefined),
        },
      ],
      exports: [PORTAL_SERVERS],
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
