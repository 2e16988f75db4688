import type { Technician } from '@fieldsync/canonical-model';
import type { WorkizTeamMemberRecord } from '../workiz.schemas';
import { canonicalBase, textOrNull, utc, type MappingScope } from './mapping.util';

/** Workiz's roles in the canonical vocabulary (its own word kept in `vendorRole`). */
function role(vendorRole: string): Technician['role'] {
  switch (vendorRole.trim().toLowerCase()) {
    case 'technician':
      return 'technician';
    case 'dispatcher':
      return 'dispatcher';
    case 'call center':
      return 'csr';
    case 'admin':
      return 'admin';
    case 'owner':
      return 'owner';
    case 'office manager':
      return 'manager';
    default:
      return 'other';
  }
}

/**
 * A Workiz team member (`team/all/`): addressed everywhere by its full name; `created` stands for both
 * times (the API gives no update time), in the account's zone (`team/all/` carries none: the account's,
 * from Settings → Integrations, which the reader adds).
 */
export function mapTechnician(e: WorkizTeamMemberRecord, scope: MappingScope): Technician {
  const at = utc(e.created, e.timezone);
  const [first = '', ...rest] = e.name.trim().split(/\s+/);
  return {
    ...canonicalBase('technician', scope, { createdAt: at, updatedAt: at }),
    name: e.name.trim(),
    firstName: textOrNull(first),
    lastName: textOrNull(rest.join(' ')),
    email: textOrNull(e.email),
    phone: textOrNull(e.phone),
    role: role(e.role),
    vendorRole: e.role,
    active: e.active,
    businessUnit: null,
    color: null,
  };
}
