import { servicetitanPaymentSchema } from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/** The accounting feed of payments. */
export const paymentsFeed = exportFeed({
  stream: 'payments',
  module: 'accounting',
  feed: 'payments',
  entity: 'payment',
  intervalMs: NORMAL_MS,
  row: servicetitanPaymentSchema,
  // A voided payment leaves the transactional API: the export's `active: false`.
  signalsDeletes: true,
  deleted: (row) => !row.active,
});
