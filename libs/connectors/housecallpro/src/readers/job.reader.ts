import {
  housecallproAppointmentRecordSchema,
  housecallproJobSchema,
  type HousecallProJob,
} from '../housecallpro.schemas';
import { streamSpec } from './stream.reader';

/**
 * Jobs, `updated_at desc` to the watermark (the list has no updated-since filter), expanded with their
 * appointments (`expand[]=appointments`), which are yielded after each job with its id, status and
 * creation time (an appointment has no timestamps or status of its own in the v1 API).
 */
export const jobsStream = streamSpec({
  stream: 'jobs',
  list: { path: '/jobs', key: 'jobs', mode: 'watermark', query: { 'expand[]': 'appointments' } },
  entity: 'job',
  intervalMs: 30_000,
  row: housecallproJobSchema,
  children: {
    entities: ['appointment'],
    of: (j: HousecallProJob) =>
      (j.schedule.appointments ?? []).map((a) => ({
        entity: 'appointment' as const,
        schema: housecallproAppointmentRecordSchema,
        raw: { ...a, job_id: j.id, job_work_status: j.work_status, job_created_at: j.created_at },
      })),
  },
});
