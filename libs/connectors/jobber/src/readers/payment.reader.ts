import { PAYMENT_RECORD } from '../jobber-selections';
import { jobberPaymentRecordSchema } from '../jobber.schemas';
import { MINUTE, type StreamSpec } from './stream.reader';
import { singleRecord } from './wire-record.util';

/** Payment records, the whole list each time (no updatedAt to filter by). */
export const paymentRecordsStream: StreamSpec = {
  stream: 'payment-records',
  entities: ['payment'],
  intervalMs: 5 * MINUTE,
  root: 'paymentRecords',
  mode: { kind: 'listing' },
  nodes: PAYMENT_RECORD,
  records: singleRecord('payment', jobberPaymentRecordSchema),
};
