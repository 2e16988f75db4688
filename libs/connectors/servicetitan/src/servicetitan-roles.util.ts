import { ENTITLEMENTS, type Entitlement } from '@fieldsync/connector-kit';

/**
 * What each ServiceTitan role lets the session do, in the connectors' shared vocabulary. ServiceTitan
 * roles are configurable per tenant; these are its default roles (vendors.md: Technician, Dispatch,
 * CSR, Accounting, Admin, Owner), matched case-insensitively. A role not listed grants nothing: the
 * session manager reports an empty list rather than guessing.
 *
 * | Role       | Entitlements                                                                     |
 * |------------|----------------------------------------------------------------------------------|
 * | Owner      | all                                                                              |
 * | Admin      | all (clients, jobs, scheduling, estimates, invoices, payments, pricebook,        |
 * |            | memberships, equipment, technicians)                                             |
 * | Dispatch   | clients, jobs, scheduling, technicians                                           |
 * | CSR        | clients, jobs, scheduling, estimates                                             |
 * | Accounting | clients, invoices, payments                                                      |
 * | Technician | jobs, scheduling                                                                 |
 */
export const SERVICETITAN_ROLE_ENTITLEMENTS: Readonly<Record<string, readonly Entitlement[]>> = {
  owner: ENTITLEMENTS,
  admin: ENTITLEMENTS,
  dispatch: ['clients', 'jobs', 'scheduling', 'technicians'],
  csr: ['clients', 'jobs', 'scheduling', 'estimates'],
  accounting: ['clients', 'invoices', 'payments'],
  technician: ['jobs', 'scheduling'],
};

/** The entitlements of a ServiceTitan role, or undefined when the role is not in the table. */
export function servicetitanEntitlements(role: string): readonly Entitlement[] | undefined {
  return SERVICETITAN_ROLE_ENTITLEMENTS[role.trim().toLowerCase()];
}
