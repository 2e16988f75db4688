import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '@fieldsync/connector-kit';
import type { Browser } from 'playwright-core';
import { spawnReady, type SpawnedService } from '../process/spawn-service.util';

/* The real vendor sandbox process on free ports, its control API, and Chromium: for e2e suites. */

export interface PortalHandle {
  vendor: string;
  /** The portal's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** A call to the portal's control API (`/__sandbox/<path>`); a non-2xx answer throws. */
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export interface RunningSandbox {
  service: SpawnedService;
  portal(vendor: string): PortalHandle;
}

interface Listing {
  portals: { vendor: string; url: string }[];
}

/**
 * Starts `apps/vendor-sandbox` with every portal on a free port (the ports come from `GET
 * /__sandbox/`). Stop it in afterAll: `await sandbox.service.stop('SIGTERM')`.
 */
export async function startSandbox(env: Record<string, string> = {}): Promise<RunningSandbox> {
  const { service, port } = await spawnReady('vendor-sandbox', (p) => ({
    PORT: String(p),
    HOST: '127.0.0.1',
    SANDBOX_PORTS: '0',
    ...env,
  }));
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

/** Debian's Chromium, headless, with the flags the session manager's BrowserPool uses. */
export async function launchChromium(): Promise<Browser> {
  // Loaded here rather than at the top: most importers of @fieldsync/testing never open a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: DEFAULT_CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}
