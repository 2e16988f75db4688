import type { GroundTruth } from '../../portal/portal.types';
import { groundTruthRows } from './servicetitan-paging.util';
import { resourceByKey, SERVICETITAN_RESOURCES } from './servicetitan-resources';
import { SERVICETITAN_TAG_TYPES } from './servicetitan-tag-types';

/**
 * `GET /__sandbox/world/export/:entity` in ServiceTitan's shapes (the rows the export feeds serve), and
 * the tenant's `tag-types` (settings `TagTypes_GetList` rows, active or not) that jobs' `tagTypeIds` name.
 */
export const servicetitanGroundTruth: GroundTruth = {
  entities: [...SERVICETITAN_RESOURCES.map((r) => r.key), 'tag-types'],
  export(world, entity) {
    if (entity === 'tag-types') return SERVICETITAN_TAG_TYPES.map((t) => ({ ...t }));
    const resource = resourceByKey(entity);
    return resource ? groundTruthRows(world, resource) : [];
  },
};
