import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify from 'fastify';
import { createPortals } from './portal.registry';
import type { PortalKit } from './portal.types';

/*
 * SANDBOX_API_LIMITS reaches the portals through createPortals: with the limits off ServiceTitan's
 * per-tenant bucket never answers 429. Each portal's own API spec covers the limiter itself.
 */
describe('createPortals', () => {
  it('lists the portal of every vendors/ folder, once, under its own id', () => {
    const vendors = resolve(__dirname, '../vendors');
    const folders = readdirSync(vendors, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    for (const folder of folders) expect(existsSync(resolve(vendors, folder, 'index.ts'))).toBe(true);
    const ids = createPortals({ apiLimits: true }).map((p) => p.id);
    expect([...ids].sort()).toEqual(folders);
  });

  const servicetitanRequests = async (apiLimits: boolean, count: number): Promise<number[]> => {
    const portal = createPortals({ apiLimits }).find((p) => p.id === 'servicetitan');
    const app = Fastify();
    const kit = { clock: () => 1_000_000, onReset: () => undefined } as unknown as PortalKit;
    portal?.mountData?.(app, kit);
    await app.ready();
    try {
      const statuses: number[] = [];
      // Another tenant: after the limiter, so each request is a cheap 404 unless it is refused first.
      for (let i = 0; i < count; i++) {
        statuses.push((await app.inject({ url: '/crm/v2/tenant/1/customers' })).statusCode);
      }
      return statuses;
    } finally {
      await app.close();
    }
  };

  it("keeps ServiceTitan's 60 requests/s per tenant with the limits on", async () => {
    const statuses = await servicetitanRequests(true, 61);
    expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
    expect(statuses[60]).toBe(429);
  });

  it('lets every request through with the limits off', async () => {
    expect((await servicetitanRequests(false, 100)).every((s) => s === 404)).toBe(true);
  });
});
