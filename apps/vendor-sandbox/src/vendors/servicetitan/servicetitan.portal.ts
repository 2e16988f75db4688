import type { VendorPortal } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { mountServiceTitanApi } from './servicetitan-api';
import { SERVICETITAN_TENANT_ID, type ServiceTitanApiOptions } from './servicetitan-api.constants';
import { servicetitanGroundTruth } from './servicetitan.ground-truth';
import { servicetitanLoginFlow } from './servicetitan-login.flow';
import { SERVICETITAN_USERS } from './servicetitan.users';

/**
 * ServiceTitan "Go": user name + password, TOTP or SMS, 5-failure lockout, SSO for one user.
 * Sessions: 2 h idle, 12 h absolute (the vendor does not publish its figures; these are ours).
 * Behind the session: the v2 REST API (`/{module}/v2/tenant/{tenant}/…`, servicetitan-api.ts).
 */
export function createServiceTitanPortal(api: ServiceTitanApiOptions = {}): VendorPortal {
  return {
    id: 'servicetitan',
    name: 'ServiceTitan',
    defaultPort: DEFAULT_PORTAL_PORTS.servicetitan,
    cookiePrefix: 'st',
    sessionTimeouts: { idleMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000 },
    lockout: { maxFailures: 5 },
    users: SERVICETITAN_USERS,
    login: servicetitanLoginFlow,
    homePath: '/',
    mountData: (scope, kit) => mountServiceTitanApi(scope, kit, api),
    groundTruth: servicetitanGroundTruth,
    account: { id: String(SERVICETITAN_TENANT_ID), name: 'Greenleaf Heating & Air' },
  };
}

export const servicetitanPortal: VendorPortal = createServiceTitanPortal();
