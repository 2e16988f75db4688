import { describeWrites, type Connector } from '@fieldsync/connector-kit';
import { JOBBER_SESSION_POLICY, JobberAuthFlow } from './jobber.auth-flow';
import { jobberReadSide } from './jobber.readers';
import { jobberWriteSide } from './jobber.writer';

/**
 * Jobber as fieldsync runs it (DESIGN "The vendor plug-in"): the web app's login (email and password,
 * then a one-time code on an unrecognised device), the GraphQL API its web app calls, the readers'
 * streams and the writes. The registry checks the descriptor against the code behind it.
 */
export const jobberConnector: Connector = {
  descriptor: {
    vendor: 'jobber',
    displayName: 'Jobber',
    capabilities: {
      reads: [
        'customer',
        'location',
        'job',
        'appointment',
        'invoice',
        'estimate',
        'technician',
        'payment',
        'pricebook_item',
        'lead',
      ],
      streams: [
        'clients',
        'properties',
        'jobs',
        'invoices',
        'quotes',
        'users',
        'payment-records',
        'products-and-services',
        'requests',
      ],
      writes: describeWrites(jobberWriteSide),
      // The two-step code of an unrecognised device, texted (or, for a connection set up so, emailed).
      mfa: ['sms', 'email'],
      sso: false,
      transport: 'graphql',
    },
  },
  authFlows: {
    sessionPolicy: JOBBER_SESSION_POLICY,
    create: (overrides) => new JobberAuthFlow({ sessionPolicy: { ...JOBBER_SESSION_POLICY, ...overrides } }),
  },
  readSide: jobberReadSide,
  writeSide: jobberWriteSide,
};
