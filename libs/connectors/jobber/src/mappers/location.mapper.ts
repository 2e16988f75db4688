import type { Location } from '@fieldsync/canonical-model';
import type { JobberProperty } from '../jobber.schemas';
import {
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/**
 * A Jobber property (a client's service address). It has no timestamps of its own: its client's
 * createdAt stands for both times. Jobber has no notes or tags on it.
 */
export function mapLocation(p: JobberProperty, scope: MappingScope): Location {
  if (p.client === null) throw new Error(`Jobber property ${p.id} has no client`);
  const at = utc(p.client.createdAt);
  const line = canonicalAddress(p.address, p.address.coordinates);
  if (line === null) throw new Error(`Jobber property ${p.id} has no street address`);
  return {
    ...canonicalBase('location', p.id, scope, { createdAt: at, updatedAt: at }),
    customerId: canonicalRef(scope, 'customer', p.client.id),
    name: textOrNull(p.name),
    address: line,
    active: true,
    taxCode: p.taxRate?.name ?? null,
    notes: null,
    tags: [],
    customFields: {},
    mergedIntoId: null,
  };
}
