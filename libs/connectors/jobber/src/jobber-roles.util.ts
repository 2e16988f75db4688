import { ENTITLEMENTS, type Entitlement } from '@fieldsync/connector-kit';

/**
 * What each Jobber permission level lets the session do, in the connectors' shared vocabulary.
 * Jobber's roles read as descriptions ("Account owner (…)", "Office staff (…)"), so a role matches
 * the first entry whose name it starts with, case-insensitively. A role not listed grants nothing.
 *
 * | Role starts with | Entitlements                                              |
 * |------------------|-----------------------------------------------------------|
 * | Account owner    | all                                                       |
 * | Admin            | all                                                       |
 * | Manager          | clients, jobs, scheduling, estimates, invoices, payments, |
 * |                  | technicians                                               |
 * | Office staff     | clients, jobs, scheduling, estimates, invoices            |
 * | Dispatcher       | clients, jobs, scheduling, technicians                    |
 * | Worker           | jobs, scheduling (also "Limited worker")                  |
 */
export const JOBBER_ROLE_ENTITLEMENTS: readonly (readonly [string, readonly Entitlement[]])[] = [
  ['account owner', ENTITLEMENTS],
  ['admin', ENTITLEMENTS],
  ['manager', ['clients', 'jobs', 'scheduling', 'estimates', 'invoices', 'payments', 'technicians']],
  ['office staff', ['clients', 'jobs', 'scheduling', 'estimates', 'invoices']],
  ['dispatcher', ['clients', 'jobs', 'scheduling', 'technicians']],
  ['limited worker', ['jobs', 'scheduling']],
  ['worker', ['jobs', 'scheduling']],
];

/** The entitlements of a Jobber role, or undefined when no entry matches. */
export function jobberEntitlements(role: string): readonly Entitlement[] | undefined {
  const name = role.trim().toLowerCase();
  return JOBBER_ROLE_ENTITLEMENTS.find(([prefix]) => name.startsWith(prefix))?.[1];
}
