import { jobberPortal } from './jobber/jobber.portal';
import type { VendorPortal } from './portal.types';
import { servicetitanPortal } from './servicetitan/servicetitan.portal';

/** The portals the sandbox serves. A new vendor: its folder next to these, then one line here. */
export const PORTALS: readonly VendorPortal[] = [servicetitanPortal, jobberPortal];
