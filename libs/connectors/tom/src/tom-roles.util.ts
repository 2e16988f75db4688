import { ENTITLEMENTS, type Entitlement } from '@fieldsync/connector-kit';

/**
 * What each TOM user role lets the session do, in the connectors' shared vocabulary, keyed by the role's
 * name in lower case. TOM's security is per user and module (dispatch, accounting, inventory); the
 * sandbox's roles read as descriptions ("Office (two-factor by …)"), so a role matches the entry its
 * name starts with. A role not listed grants nothing.
 *
 * | Role          | Entitlements                                                          |
 * |---------------|-----------------------------------------------------------------------|
 * | administrator | all                                                                   |
 * | office        | clients, jobs, scheduling, invoices, payments, technicians            |
 * | dispatcher    | clients, jobs, scheduling, technicians                                |
 * | accounting    | clients, invoices, payments                                           |
 * | technician    | jobs, scheduling                                                      |
 */
export const TOM_ROLE_ENTITLEMENTS: Readonly<Record<string, readonly Entitlement[]>> = {
  administrator: ENTITLEMENTS,
  office: ['clients', 'jobs', 'scheduling', 'invoices', 'payments', 'technicians'],
  dispatcher: ['clients', 'jobs', 'scheduling', 'technicians'],
  accounting: ['clients', 'invoices', 'payments'],
  technician: ['jobs', 'scheduling'],
};

/** The entitlements of a TOM role (case-insensitive, by the name it starts with), or undefined. */
export function tomEntitlements(role: string): readonly Entitlement[] | undefined {
  const name = role.trim().toLowerCase();
  const key = Object.keys(TOM_ROLE_ENTITLEMENTS).find((k) => name === k || name.startsWith(`${k} `));
  return key === undefined ? undefined : TOM_ROLE_ENTITLEMENTS[key];
}
