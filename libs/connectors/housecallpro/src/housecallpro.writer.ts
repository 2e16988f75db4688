import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { paymentRecordWrite } from './writes/payment-record.write';

/*
 * The Housecall Pro write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })`: customers, jobs, schedule and dispatch
 * through the v1 API, `payment.record` through the web app's invoice screen (the v1 API has no payment
 * endpoint). Every other command is `unsupported` for Housecall Pro until its write is listed here.
 */
export const housecallproWriteSide: ConnectorWriteSide = {
  vendor: 'housecallpro',
  writes: {
    'client.create': clientCreateWrite,
    'job.create': jobCreateWrite,
    'job.dispatch': jobDispatchWrite,
    'payment.record': paymentRecordWrite,
  },
};
