import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { invoiceCreateWrite } from './writes/invoice-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { jobStatusUpdateWrite } from './writes/job-status-update.write';
import { leadCreateWrite } from './writes/lead-create.write';
import { paymentRecordWrite } from './writes/payment-record.write';
import { quoteCreateWrite } from './writes/quote-create.write';

/*
 * The Workiz write side: one write per command in `writes/<command>.write.ts`, declared with
 * `defineWrite(command, { carries, find?, execute, bookings? })`. Exactly-once markers where Workiz has a
 * field for them (a job's and a lead's notes, a payment's note); a natural key where it has none (a client:
 * names, billing street and ZIP, created since the first attempt; an invoice: its job, lines and time; an
 * estimate carries the marker in its name). A command without a write here is
 * answered `unsupported` for Workiz.
 */
export const workizWriteSide: ConnectorWriteSide = {
  vendor: 'workiz',
  writes: {
    'client.create': clientCreateWrite,
    'job.create': jobCreateWrite,
    'job.dispatch': jobDispatchWrite,
    'job.status.update': jobStatusUpdateWrite,
    'lead.create': leadCreateWrite,
    'payment.record': paymentRecordWrite,
    'quote.create': quoteCreateWrite,
    'invoice.create': invoiceCreateWrite,
  },
};
