import type { World } from '@fieldsync/sandbox-world';
import type { GroundTruth } from '../../portal/portal.types';
import { TOM_LISTINGS, tomListing } from './tom.records';

/**
 * What Total Office Manager holds, as `GET /__sandbox/world/export/:entity` exports it: every record of
 * each grid exactly as its pages show it (`{ key, fields, lines? }`: the grid row's cells by column
 * heading and the detail page's lines), without paging or filters. TOM has no API: these page records are
 * its wire shape, the one the connector parses back out of the HTML.
 */
export const TOM_EXPORT_ENTITIES: readonly string[] = TOM_LISTINGS.map((l) => l.entity);

export const tomGroundTruth: GroundTruth = {
  entities: TOM_EXPORT_ENTITIES,
  export(world: World, entity: string): readonly unknown[] {
    const listing = tomListing(entity);
    if (!listing) throw new RangeError(`Total Office Manager exports no ${entity}`);
    return listing
      .records(world)
      .map(({ key, fields, lines }) => (lines ? { key, fields, lines } : { key, fields }));
  },
};
