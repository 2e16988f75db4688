import { servicetitanInvoiceSchema } from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/** The accounting feed of invoices: an inactive invoice is a deleted (voided) one. */
export const invoicesFeed = exportFeed({
  stream: 'invoices',
  module: 'accounting',
  feed: 'invoices',
  entity: 'invoice',
  intervalMs: NORMAL_MS,
  row: servicetitanInvoiceSchema,
  signalsDeletes: true,
  deleted: (row) => !row.active,
});
