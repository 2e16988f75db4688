import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { invoiceCreateWrite } from './writes/invoice-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { jobStatusUpdateWrite } from './writes/job-status-update.write';
import { paymentRecordWrite } from './writes/payment-record.write';
import { quoteConvertWrite } from './writes/quote-convert.write';
import { quoteCreateWrite } from './writes/quote-create.write';

/*
 * The Jobber write side (vendors.md §2): one write per command in `writes/`, each through Jobber's
 * GraphQL mutations, with the records it made read back through the readers' selections.
 *
 * Idempotency: Jobber has no external-id field on these inputs, so a command's marker goes into a
 * free-text field the mutation keeps (a job's instructions, a quote's title, an invoice's subject, a
 * payment's details) and `find` looks for it among the records changed since the first attempt; a client
 * has no such field and is found by its natural key. A command type without a write here is unsupported.
 */
export const jobberWriteSide: ConnectorWriteSide = {
  vendor: 'jobber',
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
