import type { Location } from '@fieldsync/canonical-model';
import type { ServiceTitanLocation } from '../servicetitan.schemas';
import {
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  customFields,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/**
 * A ServiceTitan location (a customer's service address). Its row carries no tags (LocationResponse has no
 * `tagTypeIds`); a location without a street cannot be represented and fails here.
 */
export function mapLocation(l: ServiceTitanLocation, scope: MappingScope): Location {
  const mapped = canonicalAddress(l.address);
  if (mapped === null) throw new RangeError(`ServiceTitan location ${l.id}: address.street is empty`);
  return {
    ...canonicalBase('location', scope, { createdAt: utc(l.createdOn), updatedAt: utc(l.modifiedOn) }),
    customerId: canonicalRef(scope, 'customer', l.customerId),
    name: textOrNull(l.name),
    address: mapped,
    active: l.active,
    taxCode: l.taxZoneId === null ? null : String(l.taxZoneId),
    notes: null,
    tags: [],
    customFields: customFields(l.customFields),
    mergedIntoId: canonicalRef(scope, 'location', l.mergedToId),
  };
}
