import { servicetitanMembershipSchema } from '../servicetitan.schemas';
import { NORMAL_MS, exportFeed } from './stream.reader';

/** The memberships feed. */
export const membershipsFeed = exportFeed({
  stream: 'memberships',
  module: 'memberships',
  feed: 'memberships',
  entity: 'membership',
  intervalMs: NORMAL_MS,
  row: servicetitanMembershipSchema,
  // Expired memberships are inactive too: only the `Deleted` status means gone.
  signalsDeletes: true,
  deleted: (row) => row.status === 'Deleted',
});
