import { describeWrites, type Connector } from '@fieldsync/connector-kit';
import { WORKIZ_SESSION_POLICY, WorkizAuthFlow } from './workiz.auth-flow';
import { workizReadSide } from './workiz.readers';
import { workizWriteSide } from './workiz.writer';

/**
 * The Workiz plug-in (DESIGN "The vendor plug-in"): the web app login with an optional SMS or email code
 * (workiz.auth-flow.ts); the Developer API (token in the path) for team, jobs and leads, and the web app's
 * own JSON for what the API lacks (readers/); writes in writes/. Reads, streams and writes are derived from
 * the code they describe.
 */
export const workizConnector: Connector = {
  descriptor: {
    vendor: 'workiz',
    displayName: 'Workiz',
    capabilities: {
      reads: [...new Set(workizReadSide.streams.flatMap((s) => s.entities))],
      streams: workizReadSide.streams.map((s) => s.stream),
      writes: describeWrites(workizWriteSide),
      mfa: ['sms', 'email'],
      sso: false,
      transport: 'rest',
    },
  },
  authFlows: {
    sessionPolicy: WORKIZ_SESSION_POLICY,
    create: (overrides = {}) =>
      new WorkizAuthFlow({ sessionPolicy: { ...WORKIZ_SESSION_POLICY, ...overrides } }),
  },
  readSide: workizReadSide,
  writeSide: workizWriteSide,
};
