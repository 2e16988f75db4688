import type { StoredRecord } from '@fieldsync/sandbox-world';
import { iso, isoOrNull } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Installed equipment (ServiceTitan's `equipmentsystems` module). */
export class ServiceTitanEquipmentSystemsRenderer {
  installedEquipment(e: StoredRecord<'equipment'>): WireRow {
    return {
      id: e.id,
      locationId: e.locationId,
      customerId: e.customerId,
      name: e.name,
      installedOn: iso(e.installedOn),
      serialNumber: e.serialNumber,
      memo: e.type,
      manufacturer: e.manufacturer,
      model: e.model,
      cost: 0,
      manufacturerWarrantyStart: iso(e.installedOn),
      manufacturerWarrantyEnd: isoOrNull(e.warrantyEnd),
      serviceProviderWarrantyStart: null,
      serviceProviderWarrantyEnd: null,
    };
  }
}
