import {
  housecallproAppointmentRecordSchema,
  housecallproJobSchema,
  type HousecallProJob,
} from '../housecallpro.schemas';
import { streamSpec, type StreamSpec } from './stream.reader';

/**
 * Jobs, `updated_at desc` to the watermark (the list has no updated-since filter), expanded with their
 * appointments (`expand[]=appointments`), which are yielded after each job with its id, status and
 * creation time (an appointment has no timestamps or status of its own in the v1 API).
 */
const withAppointments: StreamSpec<typeof housecallproJobSchema>['children'] = {
  entities: ['appointment'],
  of: (j: HousecallProJob) =>
    (j.schedule.appointments ?? []).map((a) => ({
      entity: 'appointment' as const,
      schema: housecallproAppointmentRecordSchema,
      raw: { ...a, job_id: j.id, job_work_status: j.work_status, job_created_at: j.created_at },
    })),
};

export const jobsStream = streamSpec({
  stream: 'jobs',
  list: { path: '/jobs', key: 'jobs', mode: 'watermark', query: { 'expand[]': 'appointments' } },
  entity: 'job',
  intervalMs: 30_000,
  row: housecallproJobSchema,
  children: withAppointments,
});

const DAY_MS = 86_400_000;
/** The schedule window the dispatch board shows: from yesterday to two weeks ahead. */
export const SCHEDULE_WINDOW = { pastMs: DAY_MS, aheadMs: 14 * DAY_MS };

/**
 * The jobs scheduled in the window around now, read whole every pass (`scheduled_start_min|max`, the
 * filter the jobs list does have): the board's jobs are re-read even when a change to their schedule
 * did not move their updated_at. A partial view, so it reconciles nothing (the `jobs` stream does).
 */
export const scheduledJobsStream = streamSpec({
  stream: 'jobs-schedule',
  list: {
    path: '/jobs',
    key: 'jobs',
    mode: 'full',
    query: (now: Date) => ({
      'expand[]': 'appointments',
      scheduled_start_min: new Date(now.getTime() - SCHEDULE_WINDOW.pastMs).toISOString(),
      scheduled_start_max: new Date(now.getTime() + SCHEDULE_WINDOW.aheadMs).toISOString(),
    }),
  },
  entity: 'job',
  intervalMs: 5 * 60_000,
  row: housecallproJobSchema,
  children: withAppointments,
  reconciles: [],
});
