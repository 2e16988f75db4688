import type { Appointment } from '@fieldsync/canonical-model';
import type { WorkizJobRecord } from '../workiz.schemas';
import { mapJob } from './job.mapper';
import { canonicalRef, textOrNull, type MappingScope } from './mapping.util';

/**
 * A Workiz job is one visit: its schedule (`JobDateTime`–`JobEndDateTime`), team and status are the
 * visit's. The jobs stream yields that visit as an appointment with the job's UUID as its id (the same
 * record as the job's), so a dispatch has an appointment to name. Workiz records no en-route or arrival
 * times on a job.
 */
export function mapAppointment(r: WorkizJobRecord, scope: MappingScope): Appointment {
  const job = mapJob(r, { ...scope, record: { ...scope.record, entity: 'job' } });
  return {
    id: canonicalRef(scope, 'appointment', r.job.UUID) as string,
    vendor: 'workiz',
    externalId: scope.record.externalId,
    connectionId: scope.ctx.connectionId,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    deletedAt: job.deletedAt,
    jobId: job.id,
    number: job.number,
    status: job.status,
    vendorStatus: job.vendorStatus,
    scheduledStart: job.scheduledStart,
    scheduledEnd: job.scheduledEnd,
    arrivalWindowStart: null,
    arrivalWindowEnd: null,
    technicianIds: job.technicianIds,
    enRouteAt: null,
    arrivedAt: null,
    completedAt: job.completedAt,
    instructions: textOrNull(r.job.JobNotes),
  };
}
