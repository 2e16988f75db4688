import type { Location } from '@fieldsync/canonical-model';
import type { HousecallProServiceAddress } from '../housecallpro.schemas';
import { canonicalAddress, canonicalBase, canonicalRef, utc, type MappingScope } from './mapping.util';

/**
 * A customer's `service` address. It has no timestamps of its own: its customer's stand for it. Housecall
 * Pro has no name, tax code, notes or tags on an address.
 */
export function mapLocation(a: HousecallProServiceAddress, scope: MappingScope): Location {
  const address = canonicalAddress(a);
  if (address === null) throw new Error(`Housecall Pro address ${a.id} has no street`);
  return {
    ...canonicalBase('location', scope, {
      createdAt: utc(a.customer_created_at),
      updatedAt: utc(a.customer_updated_at),
    }),
    customerId: canonicalRef(scope, 'customer', a.customer_id) as string,
    name: null,
    address,
    active: true,
    taxCode: null,
    notes: null,
    tags: [],
    customFields: {},
    mergedIntoId: null,
  };
}
