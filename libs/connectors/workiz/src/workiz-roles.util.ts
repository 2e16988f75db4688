import { ENTITLEMENTS, type Entitlement } from '@fieldsync/connector-kit';

/**
 * What each Workiz role lets the session do, in the connectors' shared vocabulary, keyed by the role's name
 * in lower case (Workiz's roles: Owner, Admin, Office manager, Dispatcher, Call center, Accountant,
 * Technician). The sandbox's roles read as descriptions ("Admin (no two-factor)"), so a role matches the
 * entry its name starts with. A role not listed grants nothing.
 *
 * | Role           | Entitlements                                                          |
 * |----------------|-----------------------------------------------------------------------|
 * | owner, admin   | all                                                                   |
 * | office manager | clients, jobs, scheduling, estimates, invoices, payments, technicians |
 * | dispatcher     | clients, jobs, scheduling, technicians                                |
 * | call center    | clients, jobs                                                         |
 * | accountant     | clients, invoices, payments                                           |
 * | technician     | jobs, scheduling                                                      |
 */
export const WORKIZ_ROLE_ENTITLEMENTS: Readonly<Record<string, readonly Entitlement[]>> = {
  owner: ENTITLEMENTS,
  admin: ENTITLEMENTS,
  'office manager': ['clients', 'jobs', 'scheduling', 'estimates', 'invoices', 'payments', 'technicians'],
  dispatcher: ['clients', 'jobs', 'scheduling', 'technicians'],
  'call center': ['clients', 'jobs'],
  accountant: ['clients', 'invoices', 'payments'],
  technician: ['jobs', 'scheduling'],
};

/** The entitlements of a Workiz role (case-insensitive, by the name it starts with), or undefined. */
export function workizEntitlements(role: string): readonly Entitlement[] | undefined {
  const name = role.trim().toLowerCase();
  const key = Object.keys(WORKIZ_ROLE_ENTITLEMENTS).find((k) => name === k || name.startsWith(`${k} `));
  return key === undefined ? undefined : WORKIZ_ROLE_ENTITLEMENTS[key];
}
