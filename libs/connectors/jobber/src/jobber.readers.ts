import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import { jobberMapper } from './jobber.mapper';
import { clientsStream, propertiesStream } from './readers/customer.reader';
import { quotesStream } from './readers/estimate.reader';
import { invoicesStream } from './readers/invoice.reader';
import { jobsStream } from './readers/job.reader';
import { requestsStream } from './readers/lead.reader';
import { paymentRecordsStream } from './readers/payment.reader';
import { productsAndServicesStream } from './readers/pricebook.reader';
import { JobberStreamReader, type StreamSpec } from './readers/stream.reader';
import { usersStream } from './readers/technician.reader';

/*
 * The Jobber read side: one stream per root connection of the GraphQL API (readers/stream.reader.ts), the
 * streams described per entity family in readers/<family>.reader.ts, and the mapper (jobber.mapper.ts).
 */

/** The streams, in the read side's order. */
const STREAMS: readonly StreamSpec[] = [
  clientsStream,
  propertiesStream,
  jobsStream,
  invoicesStream,
  quotesStream,
  usersStream,
  paymentRecordsStream,
  productsAndServicesStream,
  requestsStream,
];

/** Every Jobber stream reader, by stream name. */
export const jobberStreamReaders: readonly StreamReader[] = STREAMS.map(
  (spec) => new JobberStreamReader(spec),
);

/** The Jobber read side the extractor drives. */
export const jobberReadSide: ConnectorReadSide = {
  vendor: 'jobber',
  streams: jobberStreamReaders,
  mapper: jobberMapper,
  // 2,500 requests per 300 s per app and account (8.3/s; vendors.md); the query-cost bucket is the
  // client's own concern (it waits out THROTTLED).
  requestsPerSecond: 8,
};
