import { envDocs, parseConfig } from '@fieldsync/platform';
import { deliverySettings } from './delivery.config';
import { webhookDispatcherConfigSchema } from './webhook-dispatcher.config';

const REQUIRED = {
  DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
  NATS_URL: 'nats://localhost:4222',
  FIELDSYNC_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
};

function settingsFor(env: Record<string, string>) {
  const result = parseConfig(webhookDispatcherConfigSchema, { ...REQUIRED, ...env });
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.variable}: ${i.message}`).join('; '));
  return deliverySettings(result.config);
}

describe('webhook-dispatcher config', () => {
  it('boots on the documented defaults with only the required variables set', () => {
    const result = parseConfig(webhookDispatcherConfigSchema, {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
      FIELDSYNC_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(result.ok && result.config.PORT).toBe(3004);
  });

  it('names exactly its required variables when the environment is empty', () => {
    const result = parseConfig(webhookDispatcherConfigSchema, {});
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual([
      'DATABASE_URL',
      'FIELDSYNC_VAULT_KEY',
      'NATS_URL',
    ]);
  });

  it('reads only variables the README table documents for webhook-dispatcher', () => {
    const undocumented = Object.keys(webhookDispatcherConfigSchema.shape).filter(
      (name) =>
        !envDocs.some(
          (d) => d.name === name && (d.services === 'all' || d.services.includes('webhook-dispatcher')),
        ),
    );
    expect(undocumented).toEqual([]);
  });

  it('defaults to the Svix schedule, 15 s timeouts, 5-day disabling and 90-day retention', () => {
    const settings = settingsFor({
      NODE_ENV: 'production',
      FIELDSYNC_ADMIN_TOKEN: 'a-production-admin-token-000',
    });
    expect(settings.retryScheduleMs).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(settings).toMatchObject({
      requestTimeoutMs: 15_000,
      jitter: 0.2,
      throttleMinDelayMs: 60_000,
      disableAfterMs: 5 * 86_400_000,
      secretRotationGraceMs: 86_400_000,
      retentionMs: 90 * 86_400_000,
      allowHttp: false,
      allowedNetworks: [],
    });
  });

  it('allows http and loopback in development only, unless told otherwise', () => {
    const dev = settingsFor({ NODE_ENV: 'development' });
    expect(dev.allowHttp).toBe(true);
    expect(dev.allowedNetworks.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
    const locked = settingsFor({
      NODE_ENV: 'development',
      WEBHOOK_ALLOW_HTTP: 'false',
      WEBHOOK_ALLOWED_NETWORKS: 'none',
    });
    expect(locked).toMatchObject({ allowHttp: false, allowedNetworks: [] });
    const test = settingsFor({ NODE_ENV: 'test', WEBHOOK_ALLOWED_NETWORKS: '10.1.0.0/16, 192.0.2.7' });
    expect(test.allowedNetworks.map(([address, bits]) => `${address.toString()}/${bits}`)).toEqual([
      '10.1.0.0/16',
      '192.0.2.7/32',
    ]);
  });

  it('reads a compressed retry schedule for tests', () => {
    expect(settingsFor({ WEBHOOK_RETRY_SCHEDULE: '100ms, 200ms,1s' }).retryScheduleMs).toEqual([
      100, 200, 1_000,
    ]);
  });

  it('names the variable and the problem for bad delivery settings', () => {
    const result = parseConfig(webhookDispatcherConfigSchema, {
      ...REQUIRED,
      WEBHOOK_RETRY_SCHEDULE: '5s,soon',
      WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/33',
      WEBHOOK_RETRY_JITTER: '2',
      WEBHOOK_ALLOW_HTTP: 'yes',
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(Object.fromEntries(issues.map((i) => [i.variable, i.message]))).toEqual({
      WEBHOOK_RETRY_SCHEDULE: expect.stringContaining('"soon" is not a positive duration') as unknown,
      WEBHOOK_ALLOWED_NETWORKS: expect.stringContaining('"10.0.0.0/33" is not a CIDR network') as unknown,
      WEBHOOK_RETRY_JITTER: expect.stringContaining('between 0 and 0.5') as unknown,
      WEBHOOK_ALLOW_HTTP: expect.stringContaining('true or false') as unknown,
    });
  });

  it('refuses to boot in production without FIELDSYNC_ADMIN_TOKEN (closed by default), naming it', () => {
    const open = parseConfig(webhookDispatcherConfigSchema, { ...REQUIRED, NODE_ENV: 'production' });
    expect(open.ok ? [] : open.issues.map((i) => i.variable)).toEqual(['FIELDSYNC_ADMIN_TOKEN']);
    const closed = parseConfig(webhookDispatcherConfigSchema, {
      ...REQUIRED,
      NODE_ENV: 'production',
      FIELDSYNC_ADMIN_TOKEN: 'a-production-admin-token-000',
    });
    expect(closed.ok).toBe(true);
    expect(parseConfig(webhookDispatcherConfigSchema, { ...REQUIRED, NODE_ENV: 'test' }).ok).toBe(true);
  });
});
