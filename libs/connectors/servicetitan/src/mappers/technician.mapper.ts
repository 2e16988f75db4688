import type { Technician } from '@fieldsync/canonical-model';
import type { ServiceTitanTechnician } from '../servicetitan.schemas';
import { canonicalBase, textOrNull, utc, type MappingScope } from './mapping.util';

/** A ServiceTitan technician; its business unit is an id without a name, so it stays null. */
export function mapTechnician(t: ServiceTitanTechnician, scope: MappingScope): Technician {
  return {
    ...canonicalBase('technician', scope, { createdAt: utc(t.createdOn), updatedAt: utc(t.modifiedOn) }),
    name: t.name,
    firstName: null,
    lastName: null,
    email: textOrNull(t.email),
    phone: textOrNull(t.phoneNumber),
    role: 'technician',
    vendorRole: 'Technician',
    active: t.active,
    businessUnit: null,
    color: null,
  };
}
