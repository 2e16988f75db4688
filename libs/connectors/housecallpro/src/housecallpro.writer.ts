import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { invoiceCreateWrite } from './writes/invoice-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { jobStatusUpdateWrite } from './writes/job-status-update.write';
import { paymentRecordWrite } from './writes/payment-record.write';
import { quoteConvertWrite } from './writes/quote-convert.write';
import { quoteCreateWrite } from './writes/quote-create.write';

/*
 * The Housecall Pro write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })`: customers, jobs, schedule, dispatch,
 * estimates, their approval and a job's invoice through the v1 API; job status through the web app's job screen and
 * `payment.record` through its invoice screen (the v1 API has no endpoint for either). Every other command is `unsupported` for Housecall Pro until its write is listed here.
 */
export const housecallproWriteSide: ConnectorWriteSide = {
  vendor: 'housecallpro',
  writes: {
    'client.create': clientCreateWrite,
    'job.create': jobCreateWrite,
    'job.dispatch': jobDispatchWrite,
    'job.status.update': jobStatusUpdateWrite,
    'quote.create': quoteCreateWrite,
    'quote.convert': quoteConvertWrite,
    'invoice.create': invoiceCreateWrite,
    'payment.record': paymentRecordWrite,
  },
};
