import type { Technician } from '@fieldsync/canonical-model';
import type { HousecallProEmployee } from '../housecallpro.schemas';
import { canonicalBase, textOrNull, utc, type MappingScope } from './mapping.util';

/** The pro app's roles in the canonical vocabulary (its own word kept in `vendorRole`). */
function role(vendorRole: string): Technician['role'] {
  switch (vendorRole.trim().toLowerCase()) {
    case 'field tech':
      return 'technician';
    case 'office staff':
      return 'csr';
    case 'admin':
      return 'admin';
    default:
      return 'other';
  }
}

/**
 * A Housecall Pro employee ("pro"): `GET /employees` lists active ones only and gives no updated_at, so
 * its created_at stands for both times; deactivated ones leave the list (reconciliation marks them).
 */
export function mapTechnician(e: HousecallProEmployee, scope: MappingScope): Technician {
  const at = utc(e.created_at);
  const name = [e.first_name, e.last_name]
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .join(' ');
  return {
    ...canonicalBase('technician', scope, { createdAt: at, updatedAt: at }),
    name: name === '' ? e.email : name,
    firstName: textOrNull(e.first_name),
    lastName: textOrNull(e.last_name),
    email: textOrNull(e.email),
    phone: textOrNull(e.mobile_number),
    role: role(e.role),
    vendorRole: e.role,
    active: true,
    businessUnit: null,
    color: textOrNull(e.color_hex),
  };
}
