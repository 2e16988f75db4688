import { describeWrites, type Connector } from '@fieldsync/connector-kit';
import { HOUSECALLPRO_SESSION_POLICY, HousecallProAuthFlow } from './housecallpro.auth-flow';
import { housecallproReadSide } from './housecallpro.readers';
import { housecallproWriteSide } from './housecallpro.writer';

/**
 * The Housecall Pro plug-in (DESIGN "The vendor plug-in"): the pro web app login with an SMS code on
 * every sign-in (housecallpro.auth-flow.ts), the v1 REST API read with the session, lists scanned
 * `updated_at desc` to a watermark (readers/). Reads, streams and writes are derived from the code they
 * describe. Writes: one per command in writes/ (housecallpro.writer.ts), through the v1 API or, where it
 * has no endpoint (job status, payments), the web app in the write's portal page.
 */
export const housecallproConnector: Connector = {
  descriptor: {
    vendor: 'housecallpro',
    displayName: 'Housecall Pro',
    capabilities: {
      reads: [...new Set(housecallproReadSide.streams.flatMap((s) => s.entities))],
      streams: housecallproReadSide.streams.map((s) => s.stream),
      writes: describeWrites(housecallproWriteSide),
      mfa: ['sms'],
      sso: false,
      transport: 'rest',
    },
  },
  authFlows: {
    sessionPolicy: HOUSECALLPRO_SESSION_POLICY,
    create: (overrides = {}) =>
      new HousecallProAuthFlow({ sessionPolicy: { ...HOUSECALLPRO_SESSION_POLICY, ...overrides } }),
  },
  readSide: housecallproReadSide,
  writeSide: housecallproWriteSide,
};
