/**
 * The capabilities a vendor role grants, in one vocabulary for every connector: what `SessionUser`
 * says the captured session may read or write. Each connector maps its vendor's roles onto these.
 */
export const ENTITLEMENTS = [
  'clients',
  'jobs',
  'scheduling',
  'estimates',
  'invoices',
  'payments',
  'pricebook',
  'memberships',
  'equipment',
  'technicians',
] as const;

export type Entitlement = (typeof ENTITLEMENTS)[number];
