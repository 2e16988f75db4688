import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { invoiceCreateWrite } from './writes/invoice-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { jobStatusUpdateWrite } from './writes/job-status-update.write';
import { paymentRecordWrite } from './writes/payment-record.write';
import { quoteConvertWrite } from './writes/quote-convert.write';
import { quoteCreateWrite } from './writes/quote-create.write';

/**
 * ServiceTitan's write side: the commands its v2 API can carry out, one write per command
 * (`writes/<command>.write.ts`), each declaring the payload fields it carries. The others are
 * `unsupported` for ServiceTitan (payment.refund, attachment.upload, lead.create).
 */
export const servicetitanWriteSide: ConnectorWriteSide = {
  vendor: 'servicetitan',
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
