import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import { jobsStream } from './readers/job.reader';
import { leadsStream } from './readers/lead.reader';
import { WorkizStreamReader } from './readers/stream.reader';
import { teamStream } from './readers/team.reader';
import {
  clientsStream,
  communicationsStream,
  estimatesStream,
  invoicesStream,
  paymentsStream,
  pricebookStream,
} from './readers/webapp.reader';
import { WorkizClient } from './workiz.client';
import { workizMapper } from './workiz.mapper';

/*
 * The Workiz read side: one StreamReader per family (readers/stream.reader.ts) over the Developer API
 * (team, jobs, leads) and the web app's own JSON (clients and locations, estimates, invoices, payments,
 * the price book, calls and SMS), and the mapper (workiz.mapper.ts). The descriptor (workiz.connector.ts)
 * is derived from `streams`, so it follows.
 */

export const workizClient = new WorkizClient();

/** The streams, in the order a backfill wants them (parents first). */
export const workizStreams: readonly StreamReader[] = [
  teamStream,
  clientsStream,
  jobsStream,
  leadsStream,
  estimatesStream,
  invoicesStream,
  paymentsStream,
  pricebookStream,
  communicationsStream,
].map((spec) => new WorkizStreamReader(workizClient, spec));

export const workizReadSide: ConnectorReadSide = {
  vendor: 'workiz',
  streams: workizStreams,
  mapper: workizMapper,
  // Workiz publishes no limit (vendors.md: treat 429 as a throttle); the sandbox allows 200 requests per
  // 10 s per account, and reads leave a tenth of that to the writer.
  requestsPerSecond: 18,
};
