import { HealthModule } from '@fieldsync/platform';
import type { DynamicModule } from '@nestjs/common';

/**
 * The sandbox depends on nothing outside its process, so it is ready as soon as it listens.
 * The portals add their own checks (listening on 4101–4105) when they are built.
 */
export function sandboxHealthModule(): DynamicModule {
  return HealthModule.forRoot({ checks: [] });
}
