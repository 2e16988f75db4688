import type { VendorPortal } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { mountHousecallProApi, type HousecallProApiOptions } from './housecallpro-api.routes';
import { housecallproGroundTruth } from './housecallpro.ground-truth';
import { registerInvoiceScreen } from './housecallpro-invoice-screen.routes';
import { registerJobScreen } from './housecallpro-job-screen.routes';
import { housecallproLoginFlow } from './housecallpro-login.flow';
import { HOUSECALLPRO_USERS } from './housecallpro.users';

/**
 * Housecall Pro's pro web app (`pro.housecallpro.com`): email + password, then an SMS code on every
 * sign-in when two-step verification is on; 5-failure lockout. Sessions: 1 h idle, 12 h absolute
 * (the vendor publishes no figures; these are ours). Behind the session: the v1 data API
 * (housecallpro-api.routes.ts), the web app's invoice screen with its payment form
 * (housecallpro-invoice-screen.routes.ts) and its job screen with the status buttons
 * (housecallpro-job-screen.routes.ts).
 */
export function createHousecallProPortal(api: HousecallProApiOptions = {}): VendorPortal {
  return {
    id: 'housecallpro',
    name: 'Housecall Pro',
    defaultPort: DEFAULT_PORTAL_PORTS.housecallpro,
    cookiePrefix: 'housecallpro',
    sessionTimeouts: { idleMs: 3_600_000, absoluteMs: 12 * 3_600_000 },
    lockout: { maxFailures: 5 },
    users: HOUSECALLPRO_USERS,
    login: housecallproLoginFlow,
    homePath: '/home',
    mountData: (scope, kit) => {
      mountHousecallProApi(scope, kit, api);
      // The web app's invoice screen: the only place a payment is recorded.
      registerInvoiceScreen(scope, kit);
      // The web app's job screen: where a job's work status moves (the API has no endpoint for it).
      registerJobScreen(scope, kit);
    },
    groundTruth: housecallproGroundTruth,
  };
}

export const housecallproPortal: VendorPortal = createHousecallProPortal();
