import type { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { VendorSandboxConfig } from '../config/vendor-sandbox.config';
import type { SandboxWorldHost } from '../world-host/sandbox-world.host';
import type { VendorPortal } from './portal.types';
import { PortalServer } from './portal-server';

export interface PortalListing {
  vendor: string;
  name: string;
  port: number;
  url: string;
  loginPath: string;
  controlPath: string;
}

/**
 * The running portals: one Fastify server per vendor, each on its own port. Started while the Nest
 * app is created (so the startup check and `/health/ready` see them listening), closed by Nest's
 * shutdown hook on SIGTERM/SIGINT.
 */
export class PortalServers implements OnApplicationShutdown {
  private constructor(
    private readonly servers: readonly PortalServer[],
    private readonly host: string,
    private readonly logger: Logger,
  ) {}

  static async start(
    portals: readonly VendorPortal[],
    config: VendorSandboxConfig,
    logger: Logger,
    world: SandboxWorldHost,
  ): Promise<PortalServers> {
    const log = logger.child({ component: 'portals' });
    const started: PortalServer[] = [];
    try {
      for (const definition of portals) {
        const server = await PortalServer.create(definition, {
          logger: log,
          timeouts: config.SANDBOX_SESSION_TIMEOUTS[definition.id],
          lockoutDurationMs: config.SANDBOX_LOCKOUT_DURATION,
          seed: config.SANDBOX_SEED,
          world,
        });
        started.push(server);
        const port = await server.listen(config.SANDBOX_PORTS[definition.id], config.HOST);
        log.info({ vendor: definition.id, port, host: config.HOST }, `${definition.name} portal listening`);
      }
    } catch (error) {
      await Promise.allSettled(started.map((s) => s.close()));
      throw error;
    }
    return new PortalServers(started, config.HOST, log);
  }

  list(): PortalListing[] {
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host;
    return this.servers.map((s) => ({
      vendor: s.definition.id,
      name: s.definition.name,
      port: s.port,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${s.port}`,
      loginPath: s.definition.login.path,
      controlPath: '/__sandbox/',
    }));
  }

  /** Vendors whose server is not listening (empty when all are). */
  notListening(): string[] {
    return this.servers.filter((s) => !s.listening).map((s) => s.definition.id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.servers.map(async (s) => {
        await s.close();
        this.logger.info({ vendor: s.definition.id }, `${s.definition.name} portal closed`);
      }),
    );
  }
}
