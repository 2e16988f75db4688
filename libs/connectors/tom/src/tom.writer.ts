import type { ConnectorWriteSide } from '@fieldsync/connector-kit';
import { clientCreateWrite } from './writes/client-create.write';
import { invoiceCreateWrite } from './writes/invoice-create.write';
import { jobCreateWrite } from './writes/job-create.write';
import { jobDispatchWrite } from './writes/job-dispatch.write';
import { jobStatusUpdateWrite } from './writes/job-status-update.write';
import { paymentRecordWrite } from './writes/payment-record.write';

/*
 * The Total Office Manager write side: TOM has no API, so every command goes through its entry forms
 * (writes/write-forms.util.ts), one write per command in `writes/<command>.write.ts`, each declaring the
 * payload fields it carries (anything else is refused `unsupported` by name), looking for its marker
 * (a memo or User Defined 1) before writing again, and reading back what it made from the detail page.
 */
export const tomWriteSide: ConnectorWriteSide = {
  vendor: 'tom',
  writes: {
    'client.create': clientCreateWrite,
    'job.create': jobCreateWrite,
    'job.dispatch': jobDispatchWrite,
    'job.status.update': jobStatusUpdateWrite,
    'invoice.create': invoiceCreateWrite,
    'payment.record': paymentRecordWrite,
  },
};
