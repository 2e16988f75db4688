/*
 * The demo's vendor connections: one ServiceTitan login (TOTP), one Jobber login (SMS on a new
 * device), one Housecall Pro login (SMS on every sign-in) and one Workiz login (a code by email), the
 * codes read from the sandbox outbox by the MFA relay, created through the session manager's admin API
 * and logged in through `POST /sessions` — the integrators' API of the seeds.
 */

import type { Vendor } from '@fieldsync/canonical-model';
import { CONNECTORS } from '@fieldsync/connector-registry';

export interface DemoConnection {
  vendor: string;
  username: string;
  connectionId: string;
  status: string;
  user: string;
  entitlements: string[];
  expiresIn: number;
  detail?: string;
}

interface PortalListing {
  portals: { vendor: string; url: string }[];
}

interface Spec {
  vendor: Vendor;
  username: string;
  password: string;
  mfa: (portalUrl: string) => Promise<Record<string, unknown>>;
}

/**
 * How the demo signs in to each vendor's sandbox portal: a test user (README "Vendor sandbox"; never real
 * credentials) and its second factor. The demo connects every vendor of the connector registry the
 * sandbox serves; a registered vendor without a login here is named and skipped (see `demoLogins`).
 */
const SPECS: readonly Spec[] = [
  {
    vendor: 'servicetitan',
    username: 'st.admin',
    password: 'Sandbox!Admin1',
    mfa: async (portalUrl) => {
      const res = await fetch(`${portalUrl}/__sandbox/users`);
      const { users } = (await res.json()) as { users: { username: string; totpSecret: string | null }[] };
      const secret = users.find((u) => u.username === 'st.admin')?.totpSecret;
      if (!secret) throw new Error('the ServiceTitan sandbox has no st.admin TOTP secret');
      return { method: 'totp', secret };
    },
  },
  {
    vendor: 'jobber',
    username: 'owner@greenleaf-hvac.example',
    password: 'Sandbox!Owner1',
    mfa: async () => ({ method: 'sms', phone: '+15555550201' }),
  },
  {
    // Housecall Pro texts a code on EVERY sign-in: the MFA relay reads it from the sandbox outbox.
    vendor: 'housecallpro',
    username: 'owner@brightside-plumbing.example',
    password: 'Sandbox!Owner1',
    mfa: async () => ({ method: 'sms', phone: '+15555550401' }),
  },
  {
    // Workiz's office manager has two-factor by email: the MFA relay reads the code from the sandbox outbox.
    vendor: 'workiz',
    username: 'office@workiz.sandbox.example',
    password: 'Sandbox!Office1',
    mfa: async () => ({ method: 'email', email: 'office@workiz.sandbox.example' }),
  },
  {
    // Total Office Manager's administrator signs in without a second factor (one licensed seat).
    vendor: 'tom',
    username: 'tomrds\\admin01',
    password: 'Sandbox1Admin',
    mfa: async () => ({ method: 'none' }),
  },
];

/**
 * The logins of the vendors the demo connects: every vendor of the connector registry that the sandbox
 * serves, in the registry's order. One without a login in SPECS is reported, not silently left out.
 */
function demoLogins(listing: PortalListing): Spec[] {
  const served = new Set(listing.portals.map((p) => p.vendor));
  const specs: Spec[] = [];
  for (const vendor of CONNECTORS.vendors) {
    const spec = SPECS.find((s) => s.vendor === vendor);
    if (spec) specs.push(spec);
    else if (served.has(vendor)) {
      console.log(
        `  ${vendor}: registered and served by the sandbox, but the demo has no login for it yet (tools/demo/demo-connections.ts): not connected`,
      );
    }
  }
  return specs;
}

async function call<T>(
  url: string,
  method: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(180_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Creates (or reuses) the demo tenant and connections and logs each one in; never throws. When `signal`
 * aborts (Ctrl-C), the login under way finishes (the session manager carries it out whether or not the
 * demo waits, and the apps then stop with no login in flight) and the next ones are not started.
 */
export async function connectDemoVendors(options: {
  sessionManagerUrl: string;
  sandboxUrl: string;
  adminToken: string;
  signal?: AbortSignal;
}): Promise<DemoConnection[]> {
  const { sessionManagerUrl: sm, adminToken, signal: stop } = options;
  const listing = (await (await fetch(`${options.sandboxUrl}/__sandbox/`)).json()) as PortalListing;
  await call(`${sm}/tenants/tn_demo`, 'PUT', { name: 'Demo contractor' }, adminToken);
  const existing = await call<{ data: { id: string; vendor: string; username: string }[] }>(
    `${sm}/connections?tenantId=tn_demo`,
    'GET',
    undefined,
    adminToken,
  );
  const results: DemoConnection[] = [];
  for (const spec of demoLogins(listing)) {
    const portalUrl = listing.portals.find((p) => p.vendor === spec.vendor)?.url;
    const row: DemoConnection = {
      vendor: spec.vendor,
      username: spec.username,
      connectionId: '-',
      status: 'not connected',
      user: '-',
      entitlements: [],
      expiresIn: 0,
    };
    results.push(row);
    try {
      if (stop?.aborted) throw new Error('interrupted');
      if (!portalUrl) throw new Error(`the sandbox serves no ${spec.vendor} portal`);
      const mfa = await spec.mfa(portalUrl);
      // The sandbox may run on other ports than last time: keep the connection, update where it points.
      const found = existing.body.data.find((c) => c.vendor === spec.vendor && c.username === spec.username);
      const saved = found
        ? await call<{ id: string }>(
            `${sm}/connections/${found.id}`,
            'PATCH',
            { portalUrl, password: spec.password, mfa },
            adminToken,
          )
        : await call<{ id: string }>(
            `${sm}/connections`,
            'POST',
            {
              tenantId: 'tn_demo',
              vendor: spec.vendor,
              portalUrl,
              username: spec.username,
              password: spec.password,
              mfa,
            },
            adminToken,
          );
      if (saved.status >= 300)
        throw new Error(`saving the connection: HTTP ${saved.status} ${JSON.stringify(saved.body)}`);
      row.connectionId = saved.body.id;
      const session = await call<{
        authToken?: string;
        expiresIn?: number;
        user?: { name: string; entitlements: string[] };
        message?: string;
      }>(`${sm}/sessions`, 'POST', {
        connectionId: saved.body.id,
        username: spec.username,
        password: spec.password,
      });
      if (session.status !== 200 || !session.body.user) {
        throw new Error(`POST /sessions: HTTP ${session.status} ${session.body.message ?? ''}`);
      }
      const view = await call<{ status: string }>(
        `${sm}/connections/${saved.body.id}`,
        'GET',
        undefined,
        adminToken,
      );
      row.status = view.body.status === 'active' ? 'logged in' : view.body.status;
      row.user = session.body.user.name;
      row.entitlements = session.body.user.entitlements;
      row.expiresIn = session.body.expiresIn ?? 0;
    } catch (error) {
      row.detail = error instanceof Error ? error.message : String(error);
    }
  }
  return results;
}
