import type { Booking, WriteContext } from '@fieldsync/connector-kit';
import { readAppointments } from './write-readback.util';
import { cid } from './write-values.util';

/** Appointments last at most 14 days: one starting earlier than that cannot reach a window. */
const LONGEST_APPOINTMENT_MS = 14 * 86_400_000;

/**
 * The technicians' live appointments overlapping the window, other than `own`, read fresh from
 * ServiceTitan (job.create and job.dispatch `bookings`, the writer's conflict check).
 */
export async function bookingsOf(
  ctx: WriteContext,
  technicians: readonly { canonical: string; id: number }[],
  window: { start: string; end: string },
  own: number | undefined,
): Promise<Booking[]> {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const out: Booking[] = [];
  for (const t of technicians) {
    const appointments = await readAppointments(ctx, {
      technicianId: String(t.id),
      startsOnOrAfter: new Date(start - LONGEST_APPOINTMENT_MS).toISOString(),
      startsBefore: new Date(end).toISOString(),
    });
    for (const a of appointments) {
      if (a.id === own || a.status === 'Canceled') continue;
      if (Date.parse(a.start) < end && Date.parse(a.end) > start) {
        out.push({
          technicianId: t.canonical,
          appointmentId: cid(ctx, 'appointment', a.id),
          start: a.start,
          end: a.end,
        });
      }
    }
  }
  return out;
}
