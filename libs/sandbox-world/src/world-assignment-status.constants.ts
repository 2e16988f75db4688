import type { AppointmentStatus } from './world.schema';
import type { StoredRecord } from './world-store.types';

/** The status a technician's assignment takes with its appointment's (none: a canceled one keeps its own). */
export const ASSIGNMENT_STATUS_FOR: Readonly<
  Record<AppointmentStatus, StoredRecord<'assignment'>['status'] | null>
> = {
  Scheduled: 'Scheduled',
  Dispatched: 'Dispatched',
  Working: 'Working',
  Hold: 'Scheduled',
  Done: 'Done',
  Canceled: null,
};
