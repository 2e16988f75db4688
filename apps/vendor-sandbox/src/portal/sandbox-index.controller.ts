import { Controller, Get, Inject, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { PORTAL_SERVERS } from './portal.constants';
import type { PortalListing, PortalServers } from './portal-servers';

/** `GET /__sandbox/` on the main port: where each portal listens (ports may be free ones). */
@Controller('__sandbox')
export class SandboxIndexController implements OnModuleInit {
  constructor(
    @Inject(PORTAL_SERVERS) private readonly servers: PortalServers,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  index(): { portals: PortalListing[] } {
    return { portals: this.servers.list() };
  }

  /** Nest drops the trailing slash of a route path; the documented `/__sandbox/` is added on Fastify. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.get('/__sandbox/', async () => this.index());
  }
}
