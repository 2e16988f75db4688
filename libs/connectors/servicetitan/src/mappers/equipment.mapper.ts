import type { Equipment } from '@fieldsync/canonical-model';
import type { ServiceTitanInstalledEquipment } from '../servicetitan.schemas';
import { canonicalBase, canonicalRef, dateOf, textOrNull, utc, type MappingScope } from './mapping.util';

/** ServiceTitan installed equipment (at a customer's location); active until deleted. */
export function mapEquipment(e: ServiceTitanInstalledEquipment, scope: MappingScope): Equipment {
  if (e.installedOn === null)
    throw new RangeError(`ServiceTitan installed equipment ${e.id}: installedOn is null`);
  // The row has no modifiedOn: the installation time stands for both times.
  const installed = utc(e.installedOn);
  return {
    ...canonicalBase('equipment', scope, { createdAt: installed, updatedAt: installed }),
    customerId: canonicalRef(scope, 'customer', e.customerId),
    locationId: canonicalRef(scope, 'location', e.locationId),
    name: e.name,
    type: textOrNull(e.memo),
    manufacturer: textOrNull(e.manufacturer),
    model: textOrNull(e.model),
    serialNumber: textOrNull(e.serialNumber),
    installedOn: dateOf(e.installedOn),
    warrantyExpiresOn: dateOf(e.manufacturerWarrantyEnd),
    active: !scope.record.deleted,
    notes: null,
    customFields: {},
  };
}
