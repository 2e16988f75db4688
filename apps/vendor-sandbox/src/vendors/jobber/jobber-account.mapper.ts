import type { StoredRecord } from '@fieldsync/sandbox-world';
import { cents } from './jobber-amount.util';
import { formatDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';
import { splitName } from './jobber-person-name.util';
import { rendered } from './jobber-rendered.util';

/** The account's users and its products and services. */
export class JobberAccountMapper {
  user(e: StoredRecord<'employee'>) {
    const name = splitName(e.name);
    return rendered(e, {
      id: encodeId('User', e.id),
      name: { first: name.first, last: name.last, full: e.name },
      email: { raw: e.email },
      phone: { raw: e.phoneNumber.replace(/\D/g, ''), friendly: e.phoneNumber },
      status: e.active ? 'ACTIVATED' : 'DEACTIVATED',
      isAccountOwner: e.role === 'Owner',
      createdAt: formatDateTime(e.createdOn),
    });
  }

  productOrService(p: StoredRecord<'pricebookItem'>) {
    return rendered(p, {
      id: encodeId('ProductOrService', p.id),
      name: p.name,
      description: p.code,
      category: p.type === 'Service' ? 'SERVICE' : 'PRODUCT',
      defaultUnitCost: cents(p.price),
      internalUnitCost: cents(p.cost),
      taxable: p.taxable,
      durationMinutes: p.type === 'Service' ? Math.round(p.hours * 60) : null,
    });
  }
}
