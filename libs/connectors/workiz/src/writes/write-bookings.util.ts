import type { Booking, WriteContext } from '@fieldsync/connector-kit';
import { localToUtc } from '../mappers/local-time.util';
import { localDateBefore } from '../readers/paging.util';
import { workizClient } from '../workiz.readers';
import { workizJobSchema, workizListSchema } from '../workiz.schemas';
import { crewOf, currentNames } from './write-team.util';
import { idOf } from './write-values.util';

/**
 * The bookings of `technicianIds` (vendor ids) that overlap [start, end), read fresh from Workiz: the jobs
 * listed from the day before the window (`job/all/`, `only_open=false`, JobDateTime descending, so the
 * reading stops once it passes the window's start) whose crew holds one of them, except `exceptUuid`.
 * Done and Canceled jobs book nobody.
 */
export async function workizBookings(
  ctx: WriteContext,
  technicianIds: readonly string[],
  window: { start: string; end: string },
  exceptUuid: string | null,
): Promise<Booking[]> {
  if (technicianIds.length === 0) return [];
  const { timezone } = await workizClient.apiAccess(ctx);
  const names = await currentNames(ctx);
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const out: Booking[] = [];
  const from = localDateBefore(new Date(start), 1, timezone);
  for (let offset = 0, guard = 0; guard < 200; guard++) {
    const page = workizListSchema.parse(
      await workizClient.apiGet(ctx, '/job/all/', {
        records: '100',
        offset: String(offset),
        only_open: 'false',
        start_date: from,
      }),
    );
    for (const row of page.data) {
      const job = workizJobSchema.safeParse(row);
      if (!job.success || job.data.UUID === exceptUuid) continue;
      if (job.data.Status === 'Done' || job.data.Status === 'Canceled') continue;
      const jobStart = Date.parse(localToUtc(job.data.JobDateTime, job.data.Timezone));
      const jobEnd = Date.parse(localToUtc(job.data.JobEndDateTime, job.data.Timezone));
      if (!(jobStart < end && start < jobEnd)) continue;
      for (const tech of crewOf(job.data.Team, names, null)) {
        if (!technicianIds.includes(tech)) continue;
        out.push({
          technicianId: idOf(ctx, 'technician', tech),
          appointmentId: idOf(ctx, 'appointment', job.data.UUID),
          start: new Date(jobStart).toISOString().replace('.000Z', 'Z'),
          end: new Date(jobEnd).toISOString().replace('.000Z', 'Z'),
        });
      }
    }
    if (!page.has_more) break;
    offset += page.data.length;
  }
  return out;
}
