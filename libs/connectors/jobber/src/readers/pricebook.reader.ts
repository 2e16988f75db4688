import { PRODUCT_OR_SERVICE } from '../jobber-selections';
import { jobberProductOrServiceSchema } from '../jobber.schemas';
import { MINUTE, type StreamSpec } from './stream.reader';
import { singleRecord } from './wire-record.util';

/** Products and services, the whole list hourly (no updatedAt to filter by). */
export const productsAndServicesStream: StreamSpec = {
  stream: 'products-and-services',
  entities: ['pricebook_item'],
  intervalMs: 60 * MINUTE,
  root: 'productsAndServices',
  mode: { kind: 'listing' },
  nodes: PRODUCT_OR_SERVICE,
  records: singleRecord('pricebook_item', jobberProductOrServiceSchema),
};
