import type { VendorPortal } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { registerJobberGraphql, type JobberApiOptions } from './jobber-graphql.routes';
import { jobberGroundTruth } from './jobber.ground-truth';
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
    /** Jobber's GraphQL API (`POST /api/graphql`) over the shared world (jobber-graphql.routes.ts). */
    mountData(scope, kit) {
      registerJobberGraphql(scope, kit, api);
    },
    groundTruth: jobberGroundTruth,
  };
}

export const jobberPortal: VendorPortal = createJobberPortal();
