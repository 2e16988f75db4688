import { COMMAND_TYPES } from '@fieldsync/canonical-model';
import { COMMAND_ENTITLEMENTS, missingCommandEntitlement } from './command-entitlements.constants';
import { ENTITLEMENTS } from './entitlement.constants';

describe('COMMAND_ENTITLEMENTS', () => {
  it('names an entitlement of the shared vocabulary for every command type', () => {
    expect(Object.keys(COMMAND_ENTITLEMENTS).sort()).toEqual([...COMMAND_TYPES].sort());
    for (const needed of Object.values(COMMAND_ENTITLEMENTS)) expect(ENTITLEMENTS).toContain(needed);
  });

  it('names what an accounting role lacks to dispatch, and nothing for what it may do or an unknown role', () => {
    const accounting = ['clients', 'invoices', 'payments'];
    expect(missingCommandEntitlement('job.dispatch', accounting)).toBe('scheduling');
    expect(missingCommandEntitlement('job.create', accounting)).toBe('jobs');
    expect(missingCommandEntitlement('payment.record', accounting)).toBeUndefined();
    expect(missingCommandEntitlement('payment.record', [])).toBe('payments');
    expect(missingCommandEntitlement('job.dispatch', null)).toBeUndefined();
  });
});
