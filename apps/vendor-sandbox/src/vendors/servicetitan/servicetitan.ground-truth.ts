import type { GroundTruth } from '../../portal/portal.types';
import { groundTruthRows } from './servicetitan-paging.util';
import { resourceByKey, SERVICETITAN_RESOURCES } from './servicetitan-resources';

/** `GET /__sandbox/world/export/:entity` in ServiceTitan's shapes (the rows the export feeds serve). */
export const servicetitanGroundTruth: GroundTruth = {
  entities: SERVICETITAN_RESOURCES.map((r) => r.key),
  export(world, entity) {
    const resource = resourceByKey(entity);
    return resource ? groundTruthRows(world, resource) : [];
  },
};
