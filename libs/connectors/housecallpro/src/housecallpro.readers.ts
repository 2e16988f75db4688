import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import { housecallproMapper } from './housecallpro.mapper';
import { HousecallProClient } from './housecallpro.client';
import { customersStream } from './readers/customer.reader';
import { employeesStream } from './readers/employee.reader';
import { estimatesStream } from './readers/estimate.reader';
import { invoicesStream } from './readers/invoice.reader';
import { jobsStream, scheduledJobsStream } from './readers/job.reader';
import { membershipsStream } from './readers/membership.reader';
import { HousecallProPricebookReader } from './readers/pricebook.reader';
import { HousecallProStreamReader } from './readers/stream.reader';

/*
 * The Housecall Pro read side: one StreamReader per list the vendor's API offers (readers/stream.reader.ts),
 * the streams described per entity family in readers/<family>.reader.ts, and the mapper
 * (housecallpro.mapper.ts). The descriptor (housecallpro.connector.ts) is derived from `streams`, so it follows.
 */

const client = new HousecallProClient();

/** The streams, in the order a backfill wants them (parents first). */
export const housecallproStreams: readonly StreamReader[] = [
  new HousecallProStreamReader(client, employeesStream),
  new HousecallProStreamReader(client, customersStream),
  new HousecallProStreamReader(client, jobsStream),
  new HousecallProStreamReader(client, scheduledJobsStream),
  new HousecallProStreamReader(client, estimatesStream),
  new HousecallProStreamReader(client, invoicesStream),
  new HousecallProStreamReader(client, membershipsStream),
  new HousecallProPricebookReader(client),
];

export const housecallproReadSide: ConnectorReadSide = {
  vendor: 'housecallpro',
  streams: housecallproStreams,
  mapper: housecallproMapper,
  // Housecall Pro publishes no limit (vendors.md: 429 with Retry-After); the sandbox allows 300 a
  // minute per account, and reads leave a tenth of that to the writer.
  requestsPerSecond: 4.5,
};
