import { freePort, killSpawnedServices, spawnService } from '@fieldsync/testing';

/* The sandbox is self-contained: it boots and is ready with no DATABASE_URL and no NATS_URL. */

jest.setTimeout(60_000);

interface Listing {
  portals: { vendor: string; port: number; url: string; loginPath: string }[];
}

describe('vendor-sandbox process', () => {
  afterAll(() => killSpawnedServices());

  it('is ready without Postgres or NATS, serves the portals on their ports, and closes them on SIGTERM', async () => {
    const port = await freePort();
    const stPort = await freePort();
    const sandbox = spawnService('vendor-sandbox', {
      PORT: String(port),
      HOST: '127.0.0.1',
      SANDBOX_PORTS: `servicetitan=${stPort},jobber=0,workiz=0,housecallpro=0,tom=0`,
    });

    const ready = await sandbox.waitReady(port);
    expect(ready).toMatchObject({ status: 'ok', checks: { portals: { status: 'up' } } });
    expect(Object.keys((ready as { checks: object }).checks)).toEqual(['portals']);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain(
      'service="vendor-sandbox"',
    );

    const listing = (await (await fetch(`http://127.0.0.1:${port}/__sandbox/`)).json()) as Listing;
    expect(listing.portals.map((p) => p.vendor)).toEqual([
      'servicetitan',
      'jobber',
      'workiz',
      'housecallpro',
      'tom',
    ]);
    expect(listing.portals[0]?.port).toBe(stPort);
    const jobberPort = listing.portals[1]?.port ?? 0;
    expect(jobberPort).toBeGreaterThan(0);
    expect(jobberPort).not.toBe(4102);

    for (const portal of listing.portals) {
      const login = await fetch(`${portal.url}${portal.loginPath}`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain(`<form method="post" action="${portal.loginPath}"`);
      const control = (await (await fetch(`${portal.url}/__sandbox/`)).json()) as { vendor: string };
      expect(control.vendor).toBe(portal.vendor);
    }
    expect(sandbox.output()).toContain(`"port":${jobberPort}`);

    const exit = await sandbox.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.stdout).toContain('ServiceTitan portal closed');
    expect(exit.stdout).toContain('Jobber portal closed');
    expect(exit.stdout).toContain('Workiz portal closed');
    expect(exit.stdout).toContain('Housecall Pro portal closed');
    expect(exit.stdout).toContain('Total Office Manager portal closed');
    await expect(fetch(`http://127.0.0.1:${stPort}/login`)).rejects.toThrow();
  });
});
