import { servicetitanTechnicianSchema } from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/** The settings feed of technicians: an inactive technician is only inactive, never deleted. */
export const techniciansFeed = exportFeed({
  stream: 'technicians',
  module: 'settings',
  feed: 'technicians',
  entity: 'technician',
  intervalMs: NORMAL_MS,
  row: servicetitanTechnicianSchema,
  signalsDeletes: false,
  deleted: () => false,
});
