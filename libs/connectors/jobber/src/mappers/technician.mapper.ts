import type { Technician } from '@fieldsync/canonical-model';
import type { JobberUser } from '../jobber.schemas';
import { canonicalBase, textOrNull, utc, type MappingScope } from './mapping.util';

/** A Jobber user: its createdAt stands for both times; Jobber has no business unit for it. */
export function mapTechnician(u: JobberUser, scope: MappingScope): Technician {
  const at = utc(u.createdAt);
  return {
    ...canonicalBase('technician', u.id, scope, { createdAt: at, updatedAt: at }),
    name: u.name.full,
    firstName: textOrNull(u.name.first),
    lastName: textOrNull(u.name.last),
    email: textOrNull(u.email.raw),
    phone: textOrNull(u.phone?.friendly),
    role: u.isAccountOwner ? 'owner' : 'technician',
    vendorRole: u.isAccountOwner ? 'Account owner' : null,
    active: u.status === 'ACTIVATED',
    businessUnit: null,
    color: null,
  };
}
