import { envDocs, parseConfig } from '@fieldsync/platform';
import { sessionManagerConfigSchema } from './session-manager.config';

describe('session-manager config', () => {
  it('boots on the documented defaults with only the required variables set', () => {
    const result = parseConfig(sessionManagerConfigSchema, {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
      FIELDSYNC_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(result.ok && result.config.PORT).toBe(3001);
  });

  it('names exactly its required variables when the environment is empty', () => {
    const result = parseConfig(sessionManagerConfigSchema, {});
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual([
      'DATABASE_URL',
      'FIELDSYNC_VAULT_KEY',
      'NATS_URL',
    ]);
  });

  it('reads only variables the README table documents for session-manager', () => {
    const undocumented = Object.keys(sessionManagerConfigSchema.shape).filter(
      (name) =>
        !envDocs.some(
          (d) => d.name === name && (d.services === 'all' || d.services.includes('session-manager')),
        ),
    );
    expect(undocumented).toEqual([]);
  });

  it('refuses a logout bound that does not fit in the shutdown bound, naming SESSION_RELEASE_TIMEOUT', () => {
    const env = {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
      FIELDSYNC_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    const tooLong = parseConfig(sessionManagerConfigSchema, { ...env, SESSION_RELEASE_TIMEOUT: '10s' });
    expect(tooLong.ok ? [] : tooLong.issues.map((i) => i.variable)).toEqual(['SESSION_RELEASE_TIMEOUT']);
    const fits = parseConfig(sessionManagerConfigSchema, {
      ...env,
      SESSION_RELEASE_TIMEOUT: '10s',
      FIELDSYNC_SHUTDOWN_TIMEOUT_MS: '20000',
    });
    expect(fits.ok && [fits.config.SESSION_RELEASE_TIMEOUT, fits.config.SESSION_RELEASE_ON_SHUTDOWN]).toEqual(
      [10_000, true],
    );
    // Not releasing on shutdown: the bound only applies to refreshes and disables.
    const off = parseConfig(sessionManagerConfigSchema, {
      ...env,
      SESSION_RELEASE_TIMEOUT: '10s',
      SESSION_RELEASE_ON_SHUTDOWN: 'false',
    });
    expect(off.ok).toBe(true);
  });

  it('refuses to boot in production without FIELDSYNC_ADMIN_TOKEN (closed by default), naming it', () => {
    const env = {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
      FIELDSYNC_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    const open = parseConfig(sessionManagerConfigSchema, { ...env, NODE_ENV: 'production' });
    expect(open.ok ? [] : open.issues.map((i) => i.variable)).toEqual(['FIELDSYNC_ADMIN_TOKEN']);
    const closed = parseConfig(sessionManagerConfigSchema, {
      ...env,
      NODE_ENV: 'production',
      FIELDSYNC_ADMIN_TOKEN: 'a-production-admin-token-000',
    });
    expect(closed.ok).toBe(true);
    expect(parseConfig(sessionManagerConfigSchema, { ...env, NODE_ENV: 'test' }).ok).toBe(true);
  });
});
