import type { Connector, ConnectorDescriptor } from '../contract/connector.types';
import { ConnectorRegistryError, ConnectorRegistryErrorCode } from './connector-registry.error';
import { ConnectorRegistry } from './connector.registry';

const connector = (overrides: Partial<ConnectorDescriptor> = {}): Connector => ({
  descriptor: {
    vendor: 'jobber',
    displayName: 'Jobber',
    capabilities: {
      reads: ['customer', 'job'],
      writes: ['client.create'],
      mfa: ['sms'],
      sso: false,
      transport: 'graphql',
    },
    ...overrides,
  },
});

describe('ConnectorRegistry', () => {
  it('finds a registered connector and answers capability questions', () => {
    const registry = new ConnectorRegistry([
      connector(),
      connector({
        vendor: 'servicetitan',
        displayName: 'ServiceTitan',
        capabilities: { reads: ['job', 'invoice'], writes: [], mfa: ['totp'], sso: true, transport: 'rest' },
      }),
    ]);
    expect(registry.get('jobber').descriptor.displayName).toBe('Jobber');
    expect(registry.vendors.sort()).toEqual(['jobber', 'servicetitan']);
    expect(registry.readersOf('job').sort()).toEqual(['jobber', 'servicetitan']);
    expect(registry.readersOf('invoice')).toEqual(['servicetitan']);
    expect(registry.supports('jobber', 'client.create')).toBe(true);
    expect(registry.supports('servicetitan', 'client.create')).toBe(false);
    expect(registry.supports('nope', 'client.create')).toBe(false);
  });

  it('refuses an unknown vendor with an error naming it and what is registered', () => {
    const registry = new ConnectorRegistry([connector()]);
    expect(() => registry.get('fieldedge')).toThrow(
      'no connector is registered for vendor "fieldedge" (registered: jobber)',
    );
    expect(registry.has('fieldedge')).toBe(false);
  });

  it('refuses two connectors for one vendor', () => {
    const build = (): ConnectorRegistry => new ConnectorRegistry([connector(), connector()]);
    expect(build).toThrow(ConnectorRegistryError);
    expect(build).toThrow('two connectors are registered for vendor "jobber"');
  });

  it('refuses a descriptor that claims an unknown entity or command, naming the field', () => {
    const bad = connector({
      capabilities: {
        reads: ['customer', 'spaceship' as never],
        writes: ['job.teleport' as never],
        mfa: [],
        sso: false,
        transport: 'rest',
      },
    });
    try {
      new ConnectorRegistry([bad]);
      throw new Error('expected the registry to refuse the descriptor');
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectorRegistryError);
      expect((error as ConnectorRegistryError).code).toBe(ConnectorRegistryErrorCode.InvalidDescriptor);
      expect((error as Error).message).toContain('capabilities.reads.1');
      expect((error as Error).message).toContain('capabilities.writes.0');
    }
  });
});
