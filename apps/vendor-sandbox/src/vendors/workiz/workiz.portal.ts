import type { VendorPortal } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { createWorkizAccount, WORKIZ_DEFAULT_REQUESTS_PER_10S } from './workiz-account.util';
import { registerWorkizApi } from './workiz-api.routes';
import { workizLoginFlow } from './workiz-login.flow';
import { registerWorkizWebApp } from './workiz-webapp.routes';
import { registerWorkizWebAppWrites } from './workiz-webapp-writes.routes';
import { workizGroundTruth } from './workiz.ground-truth';
import { WORKIZ_USERS } from './workiz.users';

export interface WorkizApiOptions {
  /** API requests per rolling 10 s before 429 (0: no limit, SANDBOX_API_LIMITS=off). */
  readonly requestsPer10s?: number;
}

/**
 * Workiz (app.workiz.com) on its own port: email + password, optional 2FA by SMS or email code per
 * user; 2 h idle logout and 24 h absolute (Workiz publishes neither: ours), lockout after 5 failures
 * (ours). Behind the session: the Developer API (`/api/v1/<token>/…`, workiz-api.routes.ts) and the web
 * app's own JSON (`/ajaxc/…`, workiz-webapp.routes.ts), over the shared world and its WorkizLedger.
 */
export function createWorkizPortal(options: WorkizApiOptions = {}): VendorPortal {
  const account = createWorkizAccount(options.requestsPer10s ?? WORKIZ_DEFAULT_REQUESTS_PER_10S);
  return {
    id: 'workiz',
    name: 'Workiz',
    defaultPort: DEFAULT_PORTAL_PORTS.workiz,
    cookiePrefix: 'workiz',
    sessionTimeouts: { idleMs: 2 * 3_600_000, absoluteMs: 24 * 3_600_000 },
    lockout: { maxFailures: 5 },
    users: WORKIZ_USERS,
    login: workizLoginFlow,
    homePath: '/home',
    mountData(scope, kit) {
      registerWorkizApi(scope, kit, account);
      registerWorkizWebApp(scope, kit, account);
      registerWorkizWebAppWrites(scope, kit);
    },
    groundTruth: workizGroundTruth,
    account: { id: account.id, name: account.name },
  };
}

export const workizPortal: VendorPortal = createWorkizPortal();
