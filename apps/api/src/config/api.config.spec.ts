import { envDocs, parseConfig } from '@fieldsync/platform';
import { apiConfigSchema } from './api.config';

describe('api config', () => {
  it('boots on the documented defaults with only the required variables set', () => {
    const result = parseConfig(apiConfigSchema, {
      DATABASE_URL: 'postgres://fs@localhost:5432/fieldsync',
      NATS_URL: 'nats://localhost:4222',
    });
    expect(result.ok && result.config.PORT).toBe(3000);
  });

  it('names exactly its required variables when the environment is empty', () => {
    const result = parseConfig(apiConfigSchema, {});
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual(['DATABASE_URL', 'NATS_URL']);
  });

  it('reads only variables the README table documents for api', () => {
    const undocumented = Object.keys(apiConfigSchema.shape).filter(
      (name) => !envDocs.some((d) => d.name === name && (d.services === 'all' || d.services.includes('api'))),
    );
    expect(undocumented).toEqual([]);
  });
});
