import type { EntityOf } from '../entities/entity-registry.schema';
import { EXAMPLE_ADDRESS, exampleEntities } from '../entities/entity-examples';
import { canonicalId } from '../ids/canonical-id.util';
import type { EntityType } from '../ids/entity-type.schema';

export const CONNECTION_ID = 'conn_fixture';
export const TENANT_ID = 'tnt_fixture';

export const fid = (entity: EntityType, externalId: string): string =>
  canonicalId(CONNECTION_ID, entity, externalId);

export const address = EXAMPLE_ADDRESS;

/** One valid canonical object of every entity, cross-referenced by canonical ids (entities/entity-examples.ts). */
export function validEntities(): { [E in EntityType]: EntityOf<E> } {
  return exampleEntities({ connectionId: CONNECTION_ID, vendor: 'servicetitan' });
}
