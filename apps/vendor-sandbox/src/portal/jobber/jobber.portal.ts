import type { VendorPortal } from '../portal.types';
import { jobberGroundTruth, registerJobberGraphql, type JobberApiOptions } from '../../vendors/jobber';
import { DEFAULT_PORTAL_PORTS } from '../vendor-ids.constants';
import { jobberLoginFlow } from './jobber-login.flow';
import { JOBBER_USERS } from './jobber.users';

/**
 * Jobber (`secure.getjobber.com`): email + password with a Rails authenticity token, an SMS code
 * only on an unrecognised device, 12 h inactivity logout (14 d absolute: ours). Lockout after 10
 * failures (Jobber does not publish a figure; ours).
 */
export function createJobberPortal(api: JobberApiOptions = {}): VendorPortal {
  return {
    id: 'jobber',
    name: 'Jobber',
    defaultPort: DEFAULT_PORTAL_PORTS.jobber,
    cookiePrefix: '_jobber',
    sessionTimeouts: { idleMs: 12 * 3_600_000, absoluteMs: 14 * 24 * 3_600_000 },
    lockout: { maxFailures: 10 },
    users: JOBBER_USERS,
    login: jobberLoginFlow,
    homePath: '/home',
    /** Jobber's GraphQL API (`POST /api/graphql`) over the shared world: vendors/jobber. */
    mountData(scope, kit) {
      registerJobberGraphql(scope, kit, api);
    },
    groundTruth: jobberGroundTruth,
  };
}

export const jobberPortal: VendorPortal = createJobberPortal();
