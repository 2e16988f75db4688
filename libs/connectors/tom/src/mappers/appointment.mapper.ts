import type { Appointment, AppointmentStatus } from '@fieldsync/canonical-model';
import type { TomWorkOrder } from '../tom.schemas';
import { tomDateTimeOrNull } from '../tom-time.util';
import { canonicalBase, idList, requiredRef, textOrNull, timesOf, type MappingScope } from './mapping.util';

const STATUS: Readonly<Record<TomWorkOrder['fields']['Status'], AppointmentStatus>> = {
  Open: 'unscheduled',
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  'In Progress': 'in_progress',
  'On Hold': 'on_hold',
  Completed: 'completed',
  Canceled: 'canceled',
};

/**
 * A TOM work order's schedule as its appointment (externalId: the work order number): TOM's work order
 * carries one start, duration and crew; the appointment is there when the work order has a start.
 */
export function mapWorkOrderVisit(w: TomWorkOrder, scope: MappingScope): Appointment {
  const f = w.fields;
  const start = tomDateTimeOrNull(f.Start);
  const minutes = f['Duration (min)'] === '' ? null : Number(f['Duration (min)']);
  const end =
    start !== null && minutes !== null ? new Date(Date.parse(start) + minutes * 60_000).toISOString() : null;
  return {
    ...canonicalBase('appointment', scope, timesOf(f)),
    jobId: requiredRef(scope, 'job', f['WO #']),
    number: f['WO #'],
    status: STATUS[f.Status],
    vendorStatus: f.Status,
    scheduledStart: start,
    scheduledEnd: end,
    arrivalWindowStart: null,
    arrivalWindowEnd: null,
    technicianIds: idList(f['Assigned IDs']).map((id) => requiredRef(scope, 'technician', id)),
    enRouteAt: null,
    arrivedAt: null,
    completedAt: f.Status === 'Completed' ? tomDateTimeOrNull(f.Closed) : null,
    instructions: textOrNull(f.Notes),
  };
}
