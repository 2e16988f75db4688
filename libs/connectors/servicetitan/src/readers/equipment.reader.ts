import { servicetitanInstalledEquipmentSchema } from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/** The equipment systems feed of installed equipment: an inactive row is a deleted one. */
export const installedEquipmentFeed = exportFeed({
  stream: 'installed-equipment',
  module: 'equipmentsystems',
  feed: 'installed-equipment',
  entity: 'equipment',
  intervalMs: NORMAL_MS,
  row: servicetitanInstalledEquipmentSchema,
  signalsDeletes: true,
  deleted: (row) => !row.active,
});
