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

  it('reads every variable documented for vendor-sandbox alone (no stale documentation)', () => {
    const own = envDocs.filter(
      (d) => d.services !== 'all' && d.services.length === 1 && d.services[0] === 'vendor-sandbox',
    );
    expect(own.length).toBeGreaterThan(0);
    expect(own.map((d) => d.name).filter((name) => !(name in vendorSandboxConfigSchema.shape))).toEqual([]);
  });

  it('puts the portals on their default ports, on free ports with 0, or on the ports given', () => {
    const parse = (SANDBOX_PORTS?: string) => {
      const result = parseConfig(
        vendorSandboxConfigSchema,
        SANDBOX_PORTS === undefined ? {} : { SANDBOX_PORTS },
      );
      return result.ok ? result.config.SANDBOX_PORTS : result.issues.map((i) => i.variable);
    };
    expect(parse()).toMatchObject({ servicetitan: 4101, jobber: 4102, tom: 4105 });
    expect(parse('0')).toMatchObject({ servicetitan: 0, jobber: 0 });
    expect(parse('jobber=4202')).toMatchObject({ servicetitan: 4101, jobber: 4202 });
    expect(parse('acme=1')).toEqual(['SANDBOX_PORTS']);
    expect(parse('jobber=70000')).toEqual(['SANDBOX_PORTS']);
  });

  it('reads session timeout overrides per vendor', () => {
    const result = parseConfig(vendorSandboxConfigSchema, {
      SANDBOX_SESSION_TIMEOUTS: 'jobber.idle=2s, servicetitan.absolute=1h',
    });
    expect(result.ok && result.config.SANDBOX_SESSION_TIMEOUTS).toEqual({
      jobber: { idleMs: 2_000 },
      servicetitan: { absoluteMs: 3_600_000 },
    });
    expect(parseConfig(vendorSandboxConfigSchema, { SANDBOX_SESSION_TIMEOUTS: 'jobber.idle=soon' }).ok).toBe(
      false,
    );
  });

  it("keeps the vendors' API limits on unless SANDBOX_API_LIMITS is off", () => {
    const parse = (SANDBOX_API_LIMITS?: string) => {
      const result = parseConfig(
        vendorSandboxConfigSchema,
        SANDBOX_API_LIMITS === undefined ? {} : { SANDBOX_API_LIMITS },
      );
      return result.ok ? result.config.SANDBOX_API_LIMITS : result.issues.map((i) => i.variable);
    };
    expect(parse()).toBe(true);
    expect(parse('on')).toBe(true);
    expect(parse('off')).toBe(false);
    expect(parse('false')).toEqual(['SANDBOX_API_LIMITS']);
  });
});
