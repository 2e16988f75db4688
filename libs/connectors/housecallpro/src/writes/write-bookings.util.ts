import { normalizeTimestamp } from '@fieldsync/canonical-model';
import type { Booking, WriteContext } from '@fieldsync/connector-kit';
import { housecallproJobSchema, housecallproPageSchema } from '../housecallpro.schemas';
import { client } from './write-readback.util';
import { idOf } from './write-values.util';

/** The command's technicians (canonical ids at `field`) → Housecall Pro employee ids (`pro_…`), in order. */
export async function resolveEmployees(
  ctx: WriteContext,
  technicianIds: readonly string[],
  field: string,
): Promise<string[]> {
  const out: string[] = [];
  for (const [i, id] of technicianIds.entries()) {
    out.push((await ctx.resolve(id, `${field}[${String(i)}]`)).externalId);
  }
  return out;
}

const MAX_PAGES = 10;

/**
 * Other appointments of these employees that overlap [start, end), read fresh from Housecall Pro: the jobs
 * list filtered by `employee_ids` and a schedule window a day wider than the window on each side (a job's
 * schedule filter is on its first appointment), expanded with appointments, each checked for overlap. What
 * the writer's conflict check refuses unless the command allows the overlap.
 */
export async function bookingsIn(
  ctx: WriteContext,
  window: { start: string; end: string },
  employees: readonly string[],
  ownAppointmentId: string | undefined,
): Promise<Booking[]> {
  if (employees.length === 0) return [];
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const DAY = 86_400_000;
  const out: Booking[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = housecallproPageSchema.parse(
      await client.get(ctx, '/jobs', {
        'expand[]': 'appointments',
        employee_ids: employees.join(','),
        scheduled_start_min: new Date(start - DAY).toISOString(),
        scheduled_start_max: new Date(end).toISOString(),
        page_size: '100',
        page: String(page),
      }),
    );
    for (const row of (body['jobs'] as unknown[] | undefined) ?? []) {
      const job = housecallproJobSchema.safeParse(row);
      if (!job.success) continue;
      for (const a of job.data.schedule.appointments ?? []) {
        if (a.id === ownAppointmentId) continue;
        if (!(Date.parse(a.start_time) < end && start < Date.parse(a.end_time))) continue;
        for (const employee of a.dispatched_employees_ids) {
          if (!employees.includes(employee)) continue;
          out.push({
            technicianId: idOf(ctx, 'technician', employee),
            appointmentId: idOf(ctx, 'appointment', a.id),
            start: normalizeTimestamp(a.start_time),
            end: normalizeTimestamp(a.end_time),
          });
        }
      }
    }
    if (page >= body.total_pages) break;
  }
  return out;
}
