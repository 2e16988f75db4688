import type { EntityType, Vendor } from '@fieldsync/canonical-model';
import {
  AuthFlowError,
  ConnectorRegistry,
  describeWrites,
  type AuthFlow,
  type Connector,
  type ConnectorReadSide,
  type ConnectorWriteSide,
} from '@fieldsync/connector-kit';

/**
 * A registry of one test connector made of the sides a test drives (a scripted vendor's read side, a
 * scripted write side), its descriptor declared from them, so that a service under test takes its vendor
 * from a ConnectorRegistry exactly as it takes the real ones. Its login refuses: tests that build one
 * give the service sessions another way (a SessionSource test double).
 */
export function testConnectors(sides: {
  readonly vendor: Vendor;
  readonly readSide?: ConnectorReadSide;
  readonly writeSide?: ConnectorWriteSide;
}): ConnectorRegistry {
  const { vendor } = sides;
  const readSide: ConnectorReadSide = sides.readSide ?? {
    vendor,
    streams: [
      {
        stream: 'customers',
        entities: ['customer'],
        intervalMs: 60_000,
        signalsDeletes: false,
        readPage: () => Promise.reject(new Error('the test connector reads nothing')),
      },
    ],
    mapper: {
      toCanonical: () => {
        throw new Error('the test connector maps nothing');
      },
    },
  };
  const writeSide: ConnectorWriteSide = sides.writeSide ?? { vendor, writes: {} };
  const sessionPolicy = { idleMs: 60 * 60_000, absoluteMs: 24 * 60 * 60_000 };
  const flow: AuthFlow = {
    vendor,
    sessionPolicy,
    login: () => Promise.reject(new AuthFlowError('unknown', 'the test connector has no login')),
    check: () => Promise.reject(new Error('the test connector has no session check')),
  };
  const connector: Connector = {
    descriptor: {
      vendor,
      displayName: `${vendor} (test)`,
      capabilities: {
        reads: [...new Set<EntityType>(readSide.streams.flatMap((s) => s.entities))],
        streams: readSide.streams.map((s) => s.stream),
        writes: describeWrites(writeSide),
        mfa: [],
        sso: false,
        transport: 'rest',
      },
    },
    authFlows: { sessionPolicy, create: () => flow },
    readSide,
    writeSide,
  };
  return new ConnectorRegistry([connector]);
}
