import { createHousecallProPortal } from '../vendors/housecallpro';
import { createJobberPortal } from '../vendors/jobber';
import { createServiceTitanPortal } from '../vendors/servicetitan';
import { createTomPortal } from '../vendors/tom';
import { createWorkizPortal } from '../vendors/workiz';
import type { VendorPortal } from './portal.types';

export interface PortalsOptions {
  /**
   * The vendors' API rate limits (SANDBOX_API_LIMITS): ServiceTitan's 60 requests/s per tenant,
   * Jobber's 2,500 requests per 300 s and its query-cost bucket. Off for benchmarks only.
   */
  readonly apiLimits: boolean;
}

/**
 * The portals the sandbox serves, one line per vendor. A new vendor: its folder `vendors/<vendor>/`
 * (portal, login flow, users, data API, ground truth, an `index.ts` exporting `create<Vendor>Portal`),
 * then one line here. The only file of `portal/` that imports from `vendors/`.
 */
export function createPortals(options: PortalsOptions): readonly VendorPortal[] {
  return [
    createServiceTitanPortal(options.apiLimits ? {} : { requestsPerSecond: 0 }),
    createJobberPortal(options.apiLimits ? {} : { costBucket: null, requestLimit: null }),
    createWorkizPortal(options.apiLimits ? {} : { requestsPer10s: 0 }),
    createHousecallProPortal(options.apiLimits ? {} : { requestsPerMinute: 0 }),
    createTomPortal(),
  ];
}
