import { describeWrites, type Connector } from '@fieldsync/connector-kit';
import { SERVICETITAN_SESSION_POLICY, ServiceTitanAuthFlow } from './servicetitan.auth-flow';
import { servicetitanReadSide } from './servicetitan.readers';
import { servicetitanWriteSide } from './servicetitan.writer';

/**
 * The ServiceTitan plug-in (DESIGN "The vendor plug-in"): the portal login (password, then a TOTP or
 * SMS code, or an SSO user's identity provider), the v2 export feeds as streams, and the v2 API writes.
 * The descriptor is derived from the code it describes, so the registry's checks hold by construction.
 */
export const servicetitanConnector: Connector = {
  descriptor: {
    vendor: 'servicetitan',
    displayName: 'ServiceTitan',
    capabilities: {
      reads: [...new Set(servicetitanReadSide.streams.flatMap((s) => s.entities))],
      streams: servicetitanReadSide.streams.map((s) => s.stream),
      writes: describeWrites(servicetitanWriteSide),
      mfa: ['totp', 'sms'],
      sso: true,
      transport: 'rest',
    },
  },
  authFlows: {
    sessionPolicy: SERVICETITAN_SESSION_POLICY,
    create: (overrides = {}) =>
      new ServiceTitanAuthFlow({ sessionPolicy: { ...SERVICETITAN_SESSION_POLICY, ...overrides } }),
  },
  readSide: servicetitanReadSide,
  writeSide: servicetitanWriteSide,
};
