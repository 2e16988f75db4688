import { describeWrites, type Connector } from '@fieldsync/connector-kit';
import { TOM_SESSION_POLICY, TomAuthFlow } from './tom.auth-flow';
import { tomReadSide } from './tom.readers';
import { tomWriteSide } from './tom.writer';

/**
 * The Total Office Manager plug-in (DESIGN "The vendor plug-in"): TOM has no API, so everything is read
 * from and written through its server-rendered pages (transport `html`). Reads, streams and writes are
 * derived from the code they describe, so the registry's checks hold by construction; the login facts
 * are the vendor's (tom.connector.spec.ts states them from vendors.md §5).
 */
export const tomConnector: Connector = {
  descriptor: {
    vendor: 'tom',
    displayName: 'Total Office Manager',
    capabilities: {
      reads: [...new Set(tomReadSide.streams.flatMap((s) => s.entities))],
      streams: tomReadSide.streams.map((s) => s.stream),
      writes: describeWrites(tomWriteSide),
      mfa: ['totp', 'email'],
      sso: false,
      transport: 'html',
    },
  },
  authFlows: {
    sessionPolicy: TOM_SESSION_POLICY,
    create: (overrides = {}) => new TomAuthFlow({ sessionPolicy: { ...TOM_SESSION_POLICY, ...overrides } }),
  },
  readSide: tomReadSide,
  writeSide: tomWriteSide,
};
