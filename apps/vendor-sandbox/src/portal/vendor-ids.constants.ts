/** Every vendor the sandbox simulates (or will): the keys of SANDBOX_PORTS and SANDBOX_SESSION_TIMEOUTS. */
export const VENDOR_IDS = ['servicetitan', 'jobber', 'workiz', 'housecallpro', 'tom'] as const;
export type VendorId = (typeof VENDOR_IDS)[number];

/** Default port of each vendor's portal (the main port 4100 serves health and the portal index). */
export const DEFAULT_PORTAL_PORTS: Readonly<Record<VendorId, number>> = {
  servicetitan: 4101,
  jobber: 4102,
  workiz: 4103,
  housecallpro: 4104,
  tom: 4105,
};

export function isVendorId(value: string): value is VendorId {
  return (VENDOR_IDS as readonly string[]).includes(value);
}
