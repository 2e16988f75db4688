import type { VendorPortal } from '../../portal/portal.types';
import { DEFAULT_PORTAL_PORTS } from '../../portal/vendor-ids.constants';
import { createTomLoginFlow } from './tom-login.flow';
import { registerTomForms } from './tom-forms.routes';
import { registerTomPages } from './tom-pages.routes';
import { tomGroundTruth } from './tom.ground-truth';
import { TOM_USERS } from './tom.users';

/**
 * Total Office Manager (Aptora Mobile II and the office screens) on its own port: a server-rendered HTML
 * application with no API. Sign-in by TOM user name and password with an anti-forgery token, "Keep Me
 * Logged In", an optional authenticator or emailed code, and the company file's concurrent-connection
 * licence (tom-licence.ts); 20 min inactivity logout (Mobile II's) and 12 h absolute (ours); lockout after
 * 5 failures (ours). Behind the session: the grids and detail pages (tom-pages.routes.ts) over the shared
 * world and its TomLedger.
 */
export function createTomPortal(): VendorPortal {
  return {
    id: 'tom',
    name: 'Total Office Manager',
    defaultPort: DEFAULT_PORTAL_PORTS.tom,
    cookiePrefix: 'tom',
    sessionTimeouts: { idleMs: 20 * 60_000, absoluteMs: 12 * 3_600_000 },
    lockout: { maxFailures: 5 },
    users: TOM_USERS,
    login: createTomLoginFlow(),
    homePath: '/home',
    mountData(scope, kit) {
      registerTomForms(scope, kit);
      registerTomPages(scope, kit);
    },
    groundTruth: tomGroundTruth,
    account: { id: 'tomrds', name: 'Austin Comfort Services (company file)' },
  };
}

export const tomPortal: VendorPortal = createTomPortal();
