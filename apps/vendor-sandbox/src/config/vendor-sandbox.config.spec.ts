import { envDocs, parseConfig } from '@fieldsync/platform';
import { vendorSandboxConfigSchema } from './vendor-sandbox.config';

describe('vendor-sandbox config', () => {
  it('boots on the documented defaults with only the required variables set', () => {
    const result = parseConfig(vendorSandboxConfigSchema, {});
    expect(result.ok && result.config.PORT).toBe(4100);
  });

  it('names exactly its required variables when the environment is empty', () => {
    const result = parseConfig(vendorSandboxConfigSchema, {});
    expect(result.ok ? [] : result.issues.map((i) => i.variable)).toEqual([]);
  });

  it('reads only variables the README table documents for vendor-sandbox', () => {
    const undocumented = Object.keys(vendorSandboxConfigSchema.shape).filter(
      (name) =>
        !envDocs.some(
          (d) => d.name === name && (d.services === 'all' || d.services.includes('vendor-sandbox')),
        ),
    );
    expect(undocumented).toEqual([]);
  });
});
