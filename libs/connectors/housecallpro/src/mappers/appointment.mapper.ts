import type { Appointment } from '@fieldsync/canonical-model';
import type { HousecallProAppointmentRecord } from '../housecallpro.schemas';
import { canonicalBase, canonicalRef, utc, type MappingScope } from './mapping.util';

/** The appointment's status from its job's `work_status` (the v1 API gives an appointment none). */
function status(a: HousecallProAppointmentRecord): Appointment['status'] {
  switch (a.job_work_status) {
    case 'scheduled':
      return a.dispatched_employees_ids.length > 0 ? 'dispatched' : 'scheduled';
    case 'in progress':
      return 'in_progress';
    case 'complete rated':
    case 'complete unrated':
      return 'completed';
    case 'user canceled':
    case 'pro canceled':
      return 'canceled';
    default:
      // "needs scheduling" while the appointment stands: the job is on hold.
      return 'on_hold';
  }
}

/**
 * A Housecall Pro job appointment: its window opens at `start_time` and lasts `arrival_window_minutes`;
 * its technicians are the dispatched employees. It has no timestamps of its own: its job's created_at
 * stands for both (a changing stand-in would announce changes that are not). No number, instructions or
 * en-route/arrival/completion times on it.
 */
export function mapAppointment(a: HousecallProAppointmentRecord, scope: MappingScope): Appointment {
  const at = utc(a.job_created_at);
  const start = utc(a.start_time);
  return {
    ...canonicalBase('appointment', scope, { createdAt: at, updatedAt: at }),
    jobId: canonicalRef(scope, 'job', a.job_id) as string,
    number: null,
    status: status(a),
    vendorStatus: a.job_work_status,
    scheduledStart: start,
    scheduledEnd: utc(a.end_time),
    arrivalWindowStart: start,
    arrivalWindowEnd: new Date(Date.parse(start) + a.arrival_window_minutes * 60_000).toISOString(),
    technicianIds: [
      ...new Set(a.dispatched_employees_ids.map((id) => canonicalRef(scope, 'technician', id) as string)),
    ].sort(),
    enRouteAt: null,
    arrivedAt: null,
    completedAt: null,
    instructions: null,
  };
}
