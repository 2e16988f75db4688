/*
 * The session manager against the vendor sandbox, both as processes, with real Chromium:
 * 1. Login time per vendor: `POST /sessions` after the stored session was dropped, so each sample is a
 *    whole browser login (ServiceTitan with an SMS code through the MFA relay; Jobber without MFA and
 *    Jobber's owner on a remembered device; Housecall Pro with its SMS code on every sign-in; Workiz with
 *    a code by email).
 * 2. A long run of the five connections with compressed vendor lifetimes (sessions end 20 s after login at
 *    the sandbox, idle after 8 s): an "extractor" acquires over NATS and makes a data call every 250 ms
 *    per connection while the refresher keeps the sessions alive and replaces them before they end.
 *    Reported: logins per connection against the fewest possible (one per session lifetime), the data
 *    calls the vendor refused (the goal is none: the caller never notices an expiry), and what one login
 *    per refreshed lifetime means at the vendors' real lifetimes: logins per 8 h (Housecall Pro texts a
 *    code at every one of them).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sessionFetch, type CapturedSession } from '@fieldsync/connector-kit';
import { CONNECTORS } from '@fieldsync/connector-registry';
import { SessionClient } from '@fieldsync/session-client';
import {
  freePort,
  spawnService,
  startSandbox,
  type PortalHandle,
  type SpawnedService,
} from '@fieldsync/testing';
import { check, type BenchResult } from './bench.types';
import { ratePerSec, summarize } from './stats.util';

interface LoginCounts {
  successes: number;
  attempts: number;
}

export interface SessionsBenchOptions {
  databaseUrl: string;
  natsUrl: string;
  prefix: string;
  loginSamples: number;
  runMs: number;
  log: (line: string) => void;
}

const ABSOLUTE_MS = 20_000;
/** The vendors' absolute session lifetimes, in hours: each connector's session policy (what refreshes plan with). */
const REAL_ABSOLUTE_HOURS: Readonly<Record<string, number>> = Object.fromEntries(
  (['servicetitan', 'jobber', 'housecallpro', 'workiz'] as const).map((vendor) => [
    vendor,
    CONNECTORS.get(vendor).authFlows.sessionPolicy.absoluteMs / 3_600_000,
  ]),
);
const IDLE_MS = 8_000;
const MARGIN_MS = 4_000;

export async function benchSessions(options: SessionsBenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const timeouts = ['servicetitan', 'jobber', 'housecallpro', 'workiz']
    .map((v) => `${v}.idle=${IDLE_MS}ms,${v}.absolute=${ABSOLUTE_MS}ms`)
    .join(',');
  const sandbox = await startSandbox({ SANDBOX_SESSION_TIMEOUTS: timeouts });
  const admin = `bench-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  let manager: SpawnedService | undefined;
  let client: SessionClient | undefined;
  try {
    manager = spawnService('session-manager', {
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      FIELDSYNC_STREAM_PREFIX: options.prefix,
      FIELDSYNC_VAULT_KEY: randomBytes(32).toString('base64'),
      FIELDSYNC_ADMIN_TOKEN: admin,
      FIELDSYNC_MFA_SANDBOX_OUTBOX: 'true',
      SESSION_TIMEOUTS: timeouts,
      SESSION_REFRESH_INTERVAL: '500ms',
      SESSION_REFRESH_MARGIN: `${MARGIN_MS}ms`,
      SESSION_VERIFY_AFTER: '2s',
      SESSION_AUTO_LOGIN: 'false',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await manager.waitReady(port, 60_000);
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await call('PUT', '/tenants/tn_bench', { name: 'bench' });
    const st = sandbox.portal('servicetitan');
    const jobber = sandbox.portal('jobber');
    const specs = [
      {
        vendor: 'servicetitan',
        portal: st,
        username: 'st.dispatch',
        password: 'Sandbox!Dispatch1',
        mfa: { method: 'sms', phone: '+15555550101' },
        label: 'ServiceTitan, SMS code via the relay',
      },
      {
        vendor: 'jobber',
        portal: jobber,
        username: 'office@greenleaf-hvac.example',
        password: 'Sandbox!Office1',
        mfa: { method: 'none' },
        label: 'Jobber, no MFA',
      },
      {
        vendor: 'jobber',
        portal: jobber,
        username: 'owner@greenleaf-hvac.example',
        password: 'Sandbox!Owner1',
        mfa: { method: 'sms', phone: '+15555550201' },
        label: 'Jobber owner, remembered device after the first SMS',
      },
      {
        vendor: 'housecallpro',
        portal: sandbox.portal('housecallpro'),
        username: 'owner@brightside-plumbing.example',
        password: 'Sandbox!Owner1',
        mfa: { method: 'sms', phone: '+15555550401' },
        label: 'Housecall Pro, an SMS code on every sign-in via the relay',
      },
      {
        vendor: 'workiz',
        portal: sandbox.portal('workiz'),
        username: 'office@workiz.sandbox.example',
        password: 'Sandbox!Office1',
        mfa: { method: 'email', email: 'office@workiz.sandbox.example' },
        label: 'Workiz, an email code via the relay',
      },
    ] as const;
    const results: BenchResult[] = [];
    const ids: string[] = [];
    for (const spec of specs) {
      const created = await call('POST', '/connections', {
        tenantId: 'tn_bench',
        vendor: spec.vendor,
        portalUrl: spec.portal.url,
        username: spec.username,
        password: spec.password,
        mfa: spec.mfa,
      });
      const id = String(created['id']);
      ids.push(id);
      const samples = new Float64Array(options.loginSamples);
      const started = performance.now();
      for (let i = 0; i < options.loginSamples; i += 1) {
        // Same password again: the stored session is dropped, so the next POST /sessions logs in.
        if (i > 0) await call('PATCH', `/connections/${id}`, { password: spec.password });
        const t = performance.now();
        const res = await fetch(`${base}/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ connectionId: id, username: spec.username, password: spec.password }),
        });
        samples[i] = performance.now() - t;
        check(res.status === 200, `${spec.label}: login ${i + 1} succeeded`, `HTTP ${res.status}`);
      }
      const wallMs = performance.now() - started;
      const counts = await loginsOf(spec.portal, spec.username);
      results.push({
        id: `sessions.login.${spec.vendor}.${spec.username.split('@')[0]}`,
        group: 'sessions',
        title: `login through Chromium: ${spec.label}`,
        unit: 'ops',
        count: options.loginSamples,
        wallMs: Math.round(wallMs),
        ratePerSec: ratePerSec(options.loginSamples, wallMs),
        latencyMs: summarize(samples, 'POST /sessions with no stored session (a whole browser login)'),
        params: { samples: options.loginSamples },
        checks: [
          check(
            counts.successes >= options.loginSamples,
            'the sandbox counted every login',
            JSON.stringify(counts),
          ),
        ],
      });
      log(`${spec.label}: p50 ${results[results.length - 1]?.latencyMs?.p50.toFixed(0)} ms`);
    }

    // The long run: consumers use the sessions all along while they expire and get refreshed.
    client = new SessionClient({
      service: 'extractor',
      servers: options.natsUrl,
      prefix: options.prefix,
      cacheMarginMs: 1_000,
    });
    await client.connect();
    const before = await Promise.all(specs.map((s) => loginsOf(s.portal, s.username)));
    const refusals = new Map<string, number>();
    let calls = 0;
    const deadline = Date.now() + options.runMs;
    const runStarted = performance.now();
    await Promise.all(
      ids.map(async (id, i) => {
        const spec = specs[i];
        const sessions = client;
        if (!spec || !sessions) return;
        while (Date.now() < deadline) {
          const got = await sessions.acquire(id, { minValidityMs: 1_000 });
          const res = await dataCall(spec.vendor, got.session);
          await res.arrayBuffer();
          calls += 1;
          if (res.status === 401) {
            refusals.set(id, (refusals.get(id) ?? 0) + 1);
            await sessions.invalidate(id, 'unauthorized', got.sessionVersion);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }),
    );
    const runMs = performance.now() - runStarted;
    const after = await Promise.all(specs.map((s) => loginsOf(s.portal, s.username)));
    // The sessions of the login phase cover the start of the run; after that the vendor ends each one
    // ABSOLUTE_MS after its login, so at least one new login per whole lifetime is unavoidable, and the
    // refresher, replacing a session MARGIN_MS before its end, plans one per (ABSOLUTE_MS - MARGIN_MS).
    const minimum = Math.floor(runMs / ABSOLUTE_MS);
    const planned = Math.floor(runMs / (ABSOLUTE_MS - MARGIN_MS));
    const perConnection = after.map((a, i) => a.successes - (before[i]?.successes ?? 0));
    const refused = [...refusals.values()].reduce((a, b) => a + b, 0);
    results.push({
      id: 'sessions.lifetime.logins',
      group: 'sessions',
      title: `${(runMs / 1000).toFixed(0)} s of use with ${ABSOLUTE_MS / 1000} s vendor sessions: logins per connection`,
      unit: 'ops',
      count: calls,
      wallMs: Math.round(runMs),
      ratePerSec: ratePerSec(calls, runMs),
      params: {
        connections: ids.length,
        absoluteMs: ABSOLUTE_MS,
        idleMs: IDLE_MS,
        refreshMarginMs: MARGIN_MS,
        loginsPerConnection: perConnection.join('/'),
        fewestPossible: minimum,
        plannedByRefreshMargin: planned,
        callsRefusedByVendor: refused,
        // One login per refreshed lifetime (what the run checks) at the sandbox's real lifetimes and the
        // session manager's default margin (10 min before the absolute end).
        loginsPer8hAtRealLifetimes: Object.entries(REAL_ABSOLUTE_HOURS)
          .map(([vendor, hours]) => `${vendor} ${(8 / (hours - 10 / 60)).toFixed(2)}`)
          .join(', '),
      },
      checks: [
        check(
          perConnection.every((n) => n <= planned + 1),
          'no connection logged in more than once per refreshed lifetime (+1 for where the run started in it)',
          perConnection.join('/'),
        ),
        check(
          refused === 0,
          'no data call was refused by the vendor (expiries never reached a caller)',
          String(refused),
        ),
      ],
    });
    log(
      `long run: logins per connection ${perConnection.join('/')} (fewest possible ${minimum}, planned ${planned}), refused calls ${refused}`,
    );
    return results;
  } finally {
    await client?.close();
    await manager?.stop();
    await sandbox.service.stop();
  }
}

async function loginsOf(portal: PortalHandle, username: string): Promise<LoginCounts> {
  const report = await portal.control<{ users: Record<string, LoginCounts | undefined> }>('GET', 'logins');
  return report.users[username] ?? { successes: 0, attempts: 0 };
}

/** One cheap data call of each vendor with the session, as its connector makes them. */
function dataCall(vendor: string, session: CapturedSession): Promise<Response> {
  const json = { headers: { accept: 'application/json' } };
  switch (vendor) {
    case 'servicetitan':
      return sessionFetch(session, '/crm/v2/tenant/1000042/customers?pageSize=1', json);
    case 'jobber':
      return sessionFetch(session, '/api/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ clients(first: 1) { nodes { id } } }' }),
      });
    case 'housecallpro':
      return sessionFetch(session, '/customers?page_size=1', json);
    case 'workiz':
      return sessionFetch(session, '/ajaxc/clients/list/?page=1&per_page=1', json);
    default:
      throw new Error(`no data call for ${vendor}`);
  }
}
