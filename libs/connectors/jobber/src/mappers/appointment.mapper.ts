import type { Appointment, AppointmentStatus } from '@fieldsync/canonical-model';
import { type JobberVisit, JOBBER_VISIT_STATUSES } from '../jobber.schemas';
import { canonicalBase, canonicalRef, textOrNull, utc, utcOrNull, type MappingScope } from './mapping.util';

/*
 * A Jobber visit: created at its createdAt, updated at its completedAt once complete. Jobber has no visit
 * number and no en-route or arrival times.
 */

type VisitStatus = (typeof JOBBER_VISIT_STATUSES)[number];
const VISIT_STATUS: Readonly<Record<VisitStatus, AppointmentStatus>> = {
  ACTIVE: 'in_progress',
  COMPLETED: 'completed',
  LATE: 'scheduled',
  TODAY: 'scheduled',
  UNSCHEDULED: 'unscheduled',
  UPCOMING: 'scheduled',
};

export function mapAppointment(v: JobberVisit, scope: MappingScope): Appointment {
  const start = utcOrNull(v.startAt);
  let status = VISIT_STATUS[v.visitStatus];
  // Jobber's status and its schedule can disagree for a moment (a visit unscheduled but still "upcoming").
  if (status === 'scheduled' && start === null) status = 'unscheduled';
  if (status === 'unscheduled' && start !== null) status = 'scheduled';
  const completedAt = utcOrNull(v.completedAt);
  const createdAt = utc(v.createdAt);
  return {
    ...canonicalBase('appointment', v.id, scope, { createdAt, updatedAt: completedAt ?? createdAt }),
    jobId: canonicalRef(scope, 'job', v.job.id),
    number: null,
    status,
    vendorStatus: v.visitStatus,
    scheduledStart: start,
    scheduledEnd: utcOrNull(v.endAt),
    arrivalWindowStart: null,
    arrivalWindowEnd: null,
    technicianIds: [
      ...new Set(v.assignedUsers.nodes.map((u) => canonicalRef(scope, 'technician', u.id))),
    ].sort(),
    enRouteAt: null,
    arrivedAt: null,
    completedAt,
    instructions: textOrNull(v.instructions),
  };
}
