import { freePort, spawnService, type SpawnedService } from '@fieldsync/testing';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser } from 'playwright-core';

/* Helpers of the portal e2e suites: the real sandbox process on free ports, its control API, Chromium. */

export interface PortalHandle {
  vendor: string;
  url: string;
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export interface RunningSandbox {
  service: SpawnedService;
  portal(vendor: string): PortalHandle;
}

interface Listing {
  portals: { vendor: string; url: string }[];
}

/** Starts `apps/vendor-sandbox` with every portal on a free port; the ports come from `GET /__sandbox/`. */
export async function startSandbox(env: Record<string, string> = {}): Promise<RunningSandbox> {
  const port = await freePort();
  const service = spawnService('vendor-sandbox', {
    PORT: String(port),
    HOST: '127.0.0.1',
    SANDBOX_PORTS: '0',
    ...env,
  });
  await service.waitReady(port);
  const listing = (await (await fetch(`http://127.0.0.1:${port}/__sandbox/`)).json()) as Listing;
  return {
    service,
    portal(vendor) {
      const found = listing.portals.find((p) => p.vendor === vendor);
      if (!found) throw new Error(`no ${vendor} portal in ${JSON.stringify(listing)}`);
      return {
        vendor,
        url: found.url,
        async control<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
          const res = await fetch(`${found.url}/__sandbox/${path}`, {
            method,
            ...(body === undefined
              ? {}
              : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
          });
          if (!res.ok) throw new Error(`${method} /__sandbox/${path}: ${res.status} ${await res.text()}`);
          return (await res.json()) as T;
        },
      };
    },
  };
}

/** Debian's Chromium, headless (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SandboxUser {
  id: string;
  username: string;
  mfa: string;
  phone: string | null;
  email: string | null;
  totpSecret: string | null;
  sso: boolean;
  locked: boolean;
}

export interface OutboxMessage {
  to: string;
  code: string | null;
  body: string;
  sentAt: string;
}

export interface LoginCounts {
  attempts: number;
  successes: number;
  failures: number;
  mfaPrompts: number;
  lockouts: number;
}

export interface LoginsReport {
  total: LoginCounts;
  users: Record<string, LoginCounts>;
  locked: string[];
  activeSessions: Record<string, number>;
}

/** The TOTP code of a base32 secret now (or `offsetMs` away). */
export function totpCode(secret: string, offsetMs = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + offsetMs,
  });
}

export async function userOf(portal: PortalHandle, username: string): Promise<SandboxUser> {
  const { users } = await portal.control<{ users: SandboxUser[] }>('GET', 'users');
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`no test user ${username}`);
  return user;
}

export async function outboxTo(portal: PortalHandle, to: string): Promise<OutboxMessage[]> {
  const { messages } = await portal.control<{ messages: OutboxMessage[] }>(
    'GET',
    `outbox?to=${encodeURIComponent(to)}`,
  );
  return messages;
}
