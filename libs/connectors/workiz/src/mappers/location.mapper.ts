import type { Location } from '@fieldsync/canonical-model';
import type { WorkizLocationRecord } from '../workiz.schemas';
import {
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/**
 * A service location of a Workiz client (the clients stream yields each after its client, with the
 * client's id and times: Workiz's locations have none of their own). Its service area is kept as a
 * custom field; a location without a street is drift at the canonical schema (an address needs line1).
 */
export function mapLocation(l: WorkizLocationRecord, scope: MappingScope): Location {
  const zone = l.timezone;
  const address = canonicalAddress({ ...l, street: l.address });
  if (address === null) throw new RangeError(`Workiz location ${l.location_id} has no street address`);
  return {
    ...canonicalBase('location', scope, {
      createdAt: utc(l.client_created, zone),
      updatedAt: utc(l.client_updated, zone),
    }),
    customerId: canonicalRef(scope, 'customer', l.client_id) as string,
    name: textOrNull(l.name),
    address,
    active: l.client_active,
    taxCode: null,
    notes: null,
    tags: [],
    customFields: { serviceArea: textOrNull(l.service_area) },
    mergedIntoId: null,
  };
}
