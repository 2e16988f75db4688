import { freePort, killSpawnedServices, spawnService } from '@fieldsync/testing';

/* The sandbox is self-contained: it boots and is ready with no DATABASE_URL and no NATS_URL. */

jest.setTimeout(60_000);

describe('vendor-sandbox process', () => {
  afterAll(() => killSpawnedServices());

  it('is ready without Postgres or NATS, serves metrics, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const sandbox = spawnService('vendor-sandbox', { PORT: String(port), HOST: '127.0.0.1' });

    const ready = await sandbox.waitReady(port);
    expect(ready).toEqual({ status: 'ok', checks: {} });
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain(
      'service="vendor-sandbox"',
    );

    const exit = await sandbox.stop('SIGTERM');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  });
});
