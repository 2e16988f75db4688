import type { World } from '@fieldsync/sandbox-world';
import type { JobberMapper } from './jobber.mapper';
import type { JobberUpdatedIndex } from './jobber-updated.index';

/** What every resolver of one request gets. */
export interface JobberContext {
  readonly world: World;
  readonly mapper: JobberMapper;
  readonly index: JobberUpdatedIndex;
  /** The employee the portal user acts as (assignedById of assignments); null when not linked. */
  readonly actingEmployeeId: number | null;
}
