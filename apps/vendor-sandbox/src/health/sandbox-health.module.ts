import { HealthModule } from '@fieldsync/platform';
import type { DynamicModule } from '@nestjs/common';
import { PORTAL_SERVERS } from '../portal/portal.constants';
import { portalsReadinessCheck } from '../portal/portal.module';
import type { PortalServers } from '../portal/portal-servers';

/**
 * The sandbox depends on nothing outside its process: it is ready when every vendor portal listens
 * (they start while the app is created, so this is also the startup check).
 */
export function sandboxHealthModule(portals: DynamicModule): DynamicModule {
  return HealthModule.forRootAsync({
    imports: [portals],
    inject: [PORTAL_SERVERS],
    useFactory: (servers: PortalServers) => [portalsReadinessCheck(servers)],
  });
}
