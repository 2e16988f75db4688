import { ENTITLEMENTS } from '@fieldsync/connector-kit';
import { jobberEntitlements } from './jobber-roles.util';

describe('jobberEntitlements', () => {
  it("reads the sandbox's descriptive roles by their leading name", () => {
    expect(
      jobberEntitlements('Account owner (Jobber Payments: SMS two-step on an unrecognised device)'),
    ).toEqual(ENTITLEMENTS);
    expect(jobberEntitlements('Office staff (no two-step)')).toEqual([
      'clients',
      'jobs',
      'scheduling',
      'estimates',
      'invoices',
    ]);
  });

  it('matches the other permission levels case-insensitively, and knows nothing of other roles', () => {
    expect(jobberEntitlements('Limited worker')).toEqual(['jobs', 'scheduling']);
    expect(jobberEntitlements('WORKER')).toEqual(['jobs', 'scheduling']);
    expect(jobberEntitlements('Subcontractor')).toBeUndefined();
  });
});
