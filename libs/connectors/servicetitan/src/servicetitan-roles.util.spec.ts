import { ENTITLEMENTS } from '@fieldsync/connector-kit';
import { servicetitanEntitlements } from './servicetitan-roles.util';

describe('servicetitanEntitlements', () => {
  it('grants an Admin everything and each other default role its part', () => {
    expect(servicetitanEntitlements('Admin')).toEqual(ENTITLEMENTS);
    expect(servicetitanEntitlements('Dispatch')).toEqual(['clients', 'jobs', 'scheduling', 'technicians']);
    expect(servicetitanEntitlements('CSR')).toEqual(['clients', 'jobs', 'scheduling', 'estimates']);
    expect(servicetitanEntitlements('Accounting')).toEqual(['clients', 'invoices', 'payments']);
  });

  it('matches roles case-insensitively and knows nothing of a custom role', () => {
    expect(servicetitanEntitlements(' accounting ')).toEqual(['clients', 'invoices', 'payments']);
    expect(servicetitanEntitlements('Regional Manager')).toBeUndefined();
  });
});
