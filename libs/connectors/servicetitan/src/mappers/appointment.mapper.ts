import type { Appointment, AppointmentStatus } from '@fieldsync/canonical-model';
import type { ServiceTitanAppointmentRecord } from '../servicetitan.schemas';
import { canonicalBase, canonicalRef, textOrNull, utc, utcOrNull, type MappingScope } from './mapping.util';

/* A ServiceTitan appointment record: the appointment row plus its live technician assignments. */

const APPOINTMENT_STATUSES: Readonly<
  Record<ServiceTitanAppointmentRecord['appointment']['status'], AppointmentStatus>
> = {
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  Working: 'in_progress',
  Hold: 'on_hold',
  Done: 'completed',
  Canceled: 'canceled',
};

export function mapAppointment(r: ServiceTitanAppointmentRecord, scope: MappingScope): Appointment {
  const a = r.appointment;
  const technicians = [...new Set(r.assignments.map((x) => x.technicianId))].sort((x, y) => x - y);
  return {
    ...canonicalBase('appointment', scope, { createdAt: utc(a.createdOn), updatedAt: utc(a.modifiedOn) }),
    jobId: canonicalRef(scope, 'job', a.jobId),
    number: a.appointmentNumber,
    status: APPOINTMENT_STATUSES[a.status],
    vendorStatus: a.status,
    scheduledStart: utc(a.start),
    scheduledEnd: utc(a.end),
    arrivalWindowStart: utcOrNull(a.arrivalWindowStart),
    arrivalWindowEnd: utcOrNull(a.arrivalWindowEnd),
    technicianIds: technicians.map((t) => canonicalRef(scope, 'technician', t)),
    enRouteAt: null,
    arrivedAt: null,
    completedAt: null,
    instructions: textOrNull(a.specialInstructions),
  };
}
