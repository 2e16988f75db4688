import { ENTITLEMENTS, type Entitlement } from '@fieldsync/connector-kit';

/**
 * What each Housecall Pro role lets the session do, in the connectors' shared vocabulary, keyed by the
 * pro app's role name in lower case. The sandbox's roles read as descriptions ("admin (two-step …)"), so
 * a role matches the entry its name starts with. A role not listed grants nothing.
 *
 * | Role         | Entitlements                                                      |
 * |--------------|-------------------------------------------------------------------|
 * | admin        | all                                                               |
 * | office staff | clients, jobs, scheduling, estimates, invoices, payments, technicians, pricebook, memberships |
 * | field tech   | jobs, scheduling                                                  |
 */
export const HOUSECALLPRO_ROLE_ENTITLEMENTS: Readonly<Record<string, readonly Entitlement[]>> = {
  admin: ENTITLEMENTS,
  'office staff': [
    'clients',
    'jobs',
    'scheduling',
    'estimates',
    'invoices',
    'payments',
    'technicians',
    'pricebook',
    'memberships',
  ],
  'field tech': ['jobs', 'scheduling'],
};

/** The entitlements of a Housecall Pro role (case-insensitive, by the name it starts with), or undefined. */
export function housecallproEntitlements(role: string): readonly Entitlement[] | undefined {
  const name = role.trim().toLowerCase();
  const key = Object.keys(HOUSECALLPRO_ROLE_ENTITLEMENTS).find((k) => name === k || name.startsWith(`${k} `));
  return key === undefined ? undefined : HOUSECALLPRO_ROLE_ENTITLEMENTS[key];
}
