import { createJobberPortal } from './jobber/jobber.portal';
import type { VendorPortal } from './portal.types';
import { createServiceTitanPortal } from './servicetitan/servicetitan.portal';

export interface PortalsOptions {
  /**
   * The vendors' API rate limits (SANDBOX_API_LIMITS): ServiceTitan's 60 requests/s per tenant,
   * Jobber's 2,500 requests per 300 s and its query-cost bucket. Off for benchmarks only.
   */
  readonly apiLimits: boolean;
}

/** The portals the sandbox serves. A new vendor: its folder next to these, then one line here. */
export function createPortals(options: PortalsOptions): readonly VendorPortal[] {
  return [
    createServiceTitanPortal(options.apiLimits ? {} : { requestsPerSecond: 0 }),
    createJobberPortal(options.apiLimits ? {} : { costBucket: null, requestLimit: null }),
  ];
}
