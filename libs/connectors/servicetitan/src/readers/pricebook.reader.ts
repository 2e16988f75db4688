import {
  servicetitanEquipmentSchema,
  servicetitanMaterialSchema,
  servicetitanServiceSchema,
} from '../servicetitan.schemas';
import { SLOW_MS, exportFeed } from './stream.reader';

/*
 * The three price book feeds, read as one stream (`pricebook-items`, ChainedExportReader): a complete pass
 * sees every item, so reconciliation (these feeds do not signal deletes; inactive is not deleted) has one
 * owner of the entity. A part's row count alone says little, so the parts report none.
 */

export const PRICEBOOK_ITEMS_STREAM = 'pricebook-items';

export const pricebookServicesFeed = exportFeed({
  stream: 'pricebook-items/services',
  reportsTotal: false,
  module: 'pricebook',
  feed: 'services',
  entity: 'pricebook_item',
  intervalMs: SLOW_MS,
  row: servicetitanServiceSchema,
  signalsDeletes: false,
  deleted: () => false,
});

export const pricebookMaterialsFeed = exportFeed({
  stream: 'pricebook-items/materials',
  reportsTotal: false,
  module: 'pricebook',
  feed: 'materials',
  entity: 'pricebook_item',
  intervalMs: SLOW_MS,
  row: servicetitanMaterialSchema,
  signalsDeletes: false,
  deleted: () => false,
});

export const pricebookEquipmentFeed = exportFeed({
  stream: 'pricebook-items/equipment',
  reportsTotal: false,
  module: 'pricebook',
  feed: 'equipment',
  entity: 'pricebook_item',
  intervalMs: SLOW_MS,
  row: servicetitanEquipmentSchema,
  signalsDeletes: false,
  deleted: () => false,
});
