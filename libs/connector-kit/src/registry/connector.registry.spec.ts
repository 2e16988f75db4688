import type { Vendor } from '@fieldsync/canonical-model';
import type { AuthFlow } from '../auth/auth-flow.types';
import type { Connector, ConnectorDescriptor } from '../contract/connector.types';
import type { StreamReader } from '../sync/sync-reader.types';
import { defineWrite, describeWrites, type ConnectorWriteSide } from '../write/write-side.types';
import { ConnectorRegistryError, ConnectorRegistryErrorCode } from './connector-registry.error';
import { ConnectorRegistry } from './connector.registry';

const policy = { idleMs: 60_000, absoluteMs: 3_600_000 } as never;

const stream = (
  name: string,
  entities: StreamReader['entities'],
  more: Partial<StreamReader> = {},
): StreamReader => ({
  stream: name,
  entities,
  intervalMs: 1_000,
  signalsDeletes: false,
  readPage: () => Promise.reject(new Error('not read in this spec')),
  ...more,
});

const clientCreate = defineWrite('client.create', {
  carries: ['displayName', 'primaryContact.email'],
  execute: () => Promise.reject(new Error('not executed in this spec')),
});

function connector(
  vendor: Vendor,
  overrides: {
    descriptor?: Partial<ConnectorDescriptor['capabilities']>;
    streams?: StreamReader[];
    writeSide?: ConnectorWriteSide;
  } = {},
): Connector {
  const writeSide = overrides.writeSide ?? { vendor, writes: { 'client.create': clientCreate } };
  const streams = overrides.streams ?? [stream('customers', ['customer']), stream('jobs', ['job'])];
  return {
    descriptor: {
      vendor,
      displayName: vendor,
      capabilities: {
        reads: ['customer', 'job'],
        streams: ['customers', 'jobs'],
        writes: describeWrites(writeSide),
        mfa: ['sms'],
        sso: false,
        transport: 'graphql',
        ...overrides.descriptor,
      },
    },
    authFlows: {
      sessionPolicy: policy,
      create: () => ({ vendor, sessionPolicy: policy }) as unknown as AuthFlow,
    },
    readSide: { vendor, streams, mapper: { toCanonical: () => ({}) as never } },
    writeSide,
  };
}

function refusal(build: () => unknown): ConnectorRegistryError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorRegistryError);
    return error as ConnectorRegistryError;
  }
  throw new Error('expected the registry to refuse');
}

describe('ConnectorRegistry', () => {
  it('finds a registered connector and answers capability questions', () => {
    const registry = new ConnectorRegistry([
      connector('jobber'),
      connector('servicetitan', {
        descriptor: { reads: ['job', 'invoice'], streams: ['jobs', 'invoices'] },
        streams: [stream('jobs', ['job']), stream('invoices', ['invoice'])],
        writeSide: { vendor: 'servicetitan', writes: {} },
      }),
    ]);
    expect(registry.get('jobber').descriptor.displayName).toBe('jobber');
    expect(registry.vendors.sort()).toEqual(['jobber', 'servicetitan']);
    expect(registry.readersOf('job').sort()).toEqual(['jobber', 'servicetitan']);
    expect(registry.readersOf('invoice')).toEqual(['servicetitan']);
    expect(registry.supports('jobber', 'client.create')).toBe(true);
    expect(registry.supports('servicetitan', 'client.create')).toBe(false);
    expect(registry.supports('nope', 'client.create')).toBe(false);
  });

  it('refuses an unknown vendor with an error naming it and what is registered', () => {
    const registry = new ConnectorRegistry([connector('jobber')]);
    expect(() => registry.get('fieldedge')).toThrow(
      'no connector is registered for vendor "fieldedge" (registered: jobber)',
    );
    expect(registry.has('fieldedge')).toBe(false);
  });

  it('refuses two connectors for one vendor', () => {
    const error = refusal(() => new ConnectorRegistry([connector('jobber'), connector('jobber')]));
    expect(error.message).toBe('two connectors are registered for vendor "jobber"');
  });

  it('refuses a descriptor that claims an unknown entity or command, naming the field', () => {
    const bad = connector('jobber', {
      descriptor: { reads: ['customer', 'spaceship' as never], writes: { 'job.teleport': [] } as never },
    });
    const error = refusal(() => new ConnectorRegistry([bad]));
    expect(error.code).toBe(ConnectorRegistryErrorCode.InvalidDescriptor);
    expect(error.message).toContain('capabilities.reads.1');
    expect(error.message).toContain('capabilities.writes');
  });

  it('refuses a declared stream, entity or command that no code backs, naming each', () => {
    const bad = connector('jobber', {
      descriptor: {
        reads: ['customer', 'job', 'invoice'],
        streams: ['customers', 'jobs', 'invoices'],
        writes: { 'client.create': ['displayName', 'primaryContact.email'], 'job.create': ['title'] },
      },
    });
    const error = refusal(() => new ConnectorRegistry([bad]));
    expect(error.code).toBe(ConnectorRegistryErrorCode.UnbackedCapability);
    expect(error.message).toContain('stream invoices is declared but the read side has no reader for it');
    expect(error.message).toContain('entity invoice is declared but no stream yields it');
    expect(error.message).toContain('command job.create is declared but the write side has no write for it');
  });

  it('refuses code the descriptor does not declare', () => {
    const bad = connector('jobber', {
      descriptor: { reads: ['customer'], streams: ['customers'], writes: {} },
    });
    const error = refusal(() => new ConnectorRegistry([bad]));
    expect(error.message).toContain('stream jobs is read but not declared');
    expect(error.message).toContain('entity job is read but not declared');
    expect(error.message).toContain('command client.create has a write but is not declared');
  });

  it('refuses a write that carries a field its payload does not have, and fields that differ from the declaration', () => {
    const typo = defineWrite('client.create', {
      carries: ['displayName', 'tagz'],
      execute: () => Promise.reject(new Error('unused')),
    });
    const bad = connector('jobber', { writeSide: { vendor: 'jobber', writes: { 'client.create': typo } } });
    expect(refusal(() => new ConnectorRegistry([bad])).message).toContain(
      'command client.create carries tagz, which its payload does not have',
    );
    const differs = connector('jobber', { descriptor: { writes: { 'client.create': ['displayName'] } } });
    expect(refusal(() => new ConnectorRegistry([differs])).message).toContain(
      "command client.create: the descriptor's fields differ from what its write carries",
    );
  });

  it('refuses two streams reconciling one entity, and parts of another vendor', () => {
    const twice = connector('jobber', {
      descriptor: { streams: ['customers', 'jobs', 'more-jobs'] },
      streams: [stream('customers', ['customer']), stream('jobs', ['job']), stream('more-jobs', ['job'])],
    });
    expect(refusal(() => new ConnectorRegistry([twice])).message).toContain(
      'streams jobs and more-jobs both reconcile job',
    );
    const split = connector('jobber', {
      descriptor: { reads: ['customer', 'job', 'appointment'], streams: ['customers', 'jobs', 'visits'] },
      streams: [
        stream('customers', ['customer']),
        stream('jobs', ['job']),
        stream('visits', ['job', 'appointment'], { reconciles: ['appointment'] }),
      ],
    });
    expect(new ConnectorRegistry([split]).get('jobber')).toBe(split);
    const foreign = { ...connector('jobber'), writeSide: { vendor: 'servicetitan' as const, writes: {} } };
    expect(refusal(() => new ConnectorRegistry([foreign])).message).toContain("writeSide is servicetitan's");
  });
});
