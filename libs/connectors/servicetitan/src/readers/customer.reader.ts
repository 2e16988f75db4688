import {
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanLocationSchema,
} from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/* The crm feeds: customers, their locations and their contacts (each email or phone a row). */

export const customersFeed = exportFeed({
  stream: 'customers',
  module: 'crm',
  feed: 'customers',
  entity: 'customer',
  intervalMs: NORMAL_MS,
  row: servicetitanCustomerSchema,
  // A merged customer is gone from the vendor's point of view; an inactive one is only inactive.
  signalsDeletes: true,
  deleted: (row) => row.mergedToId !== null,
});

export const locationsFeed = exportFeed({
  stream: 'locations',
  module: 'crm',
  feed: 'locations',
  entity: 'location',
  intervalMs: NORMAL_MS,
  row: servicetitanLocationSchema,
  signalsDeletes: true,
  deleted: (row) => row.mergedToId !== null,
});

export const contactsFeed = exportFeed({
  stream: 'contacts',
  module: 'crm',
  feed: 'customers/contacts',
  entity: 'contact',
  intervalMs: NORMAL_MS,
  row: servicetitanContactSchema,
  // Contacts have no `active` of their own: the export's `active: false` is a deleted contact.
  signalsDeletes: true,
  deleted: (row) => !row.active,
});
