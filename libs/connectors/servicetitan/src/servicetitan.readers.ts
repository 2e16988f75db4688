import type { CurrencyCode } from '@fieldsync/canonical-model';
import type { ConnectorReadSide, StreamReader } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { SERVICETITAN_CURRENCY } from './mappers/mapping.util';
import { appointmentAssignmentsFeed, appointmentsFeed } from './readers/appointment.reader';
import { ChainedExportReader } from './readers/chained-stream.reader';
import { contactsFeed, customersFeed, locationsFeed } from './readers/customer.reader';
import { installedEquipmentFeed } from './readers/equipment.reader';
import { estimatesFeed } from './readers/estimate.reader';
import { invoicesFeed } from './readers/invoice.reader';
import { jobsFeed } from './readers/job.reader';
import { membershipsFeed } from './readers/membership.reader';
import { paymentsFeed } from './readers/payment.reader';
import {
  PRICEBOOK_ITEMS_STREAM,
  pricebookEquipmentFeed,
  pricebookMaterialsFeed,
  pricebookServicesFeed,
} from './readers/pricebook.reader';
import { ExportStreamReader, SLOW_MS, type ExportFeed } from './readers/stream.reader';
import { techniciansFeed } from './readers/technician.reader';
import { ServiceTitanClient } from './servicetitan.client';
import { ServiceTitanMapper } from './servicetitan.mapper';

/*
 * The ServiceTitan read side: one stream per export feed (readers/stream.reader.ts), the feeds described
 * per entity family in readers/<family>.reader.ts, and the mapper (servicetitan.mapper.ts).
 */

export interface ServiceTitanReadSideOptions {
  /** The tenant's currency (ServiceTitan amounts carry none). Default USD. */
  readonly currency?: CurrencyCode;
}

/** The streams of one ServiceTitan tenant, in the order a backfill wants them (parents first). */
export function servicetitanStreams(client: ServiceTitanClient): StreamReader[] {
  const reader = <S extends z.ZodType>(feed: ExportFeed<S>) => new ExportStreamReader(client, feed);
  return [
    reader(customersFeed),
    reader(locationsFeed),
    reader(contactsFeed),
    reader(techniciansFeed),
    reader(jobsFeed),
    reader(appointmentsFeed),
    reader(appointmentAssignmentsFeed),
    reader(estimatesFeed),
    reader(invoicesFeed),
    reader(paymentsFeed),
    new ChainedExportReader(PRICEBOOK_ITEMS_STREAM, SLOW_MS, [
      reader(pricebookServicesFeed),
      reader(pricebookMaterialsFeed),
      reader(pricebookEquipmentFeed),
    ]),
    reader(membershipsFeed),
    reader(installedEquipmentFeed),
  ];
}

/**
 * ServiceTitan's read side. The tenant every API path carries is the one the connection's session works
 * in (learnt from the portal at login), so one read side serves every ServiceTitan connection.
 */
export function createServiceTitanReadSide(options: ServiceTitanReadSideOptions = {}): ConnectorReadSide {
  const client = new ServiceTitanClient();
  return {
    vendor: 'servicetitan',
    streams: servicetitanStreams(client),
    mapper: new ServiceTitanMapper(options.currency ?? SERVICETITAN_CURRENCY),
    // 60 requests/s per app and tenant (vendors.md), shared with the writer's calls: 50 for reads.
    requestsPerSecond: 50,
  };
}

/** The read side of every ServiceTitan connection in USD. */
export const servicetitanReadSide: ConnectorReadSide = createServiceTitanReadSide();
