import { envDocs, parseConfig } from '@fieldsync/platform';
import { webhookDispatcherConfigSchema } from './webhook-dispatcher.config';

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
});
