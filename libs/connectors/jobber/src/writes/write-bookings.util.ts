import { normalizeTimestamp } from '@fieldsync/canonical-model';
import type { Booking, WriteContext } from '@fieldsync/connector-kit';
import { visitsOverlapping } from './write-readback.util';
import { idOf } from './write-values.util';

/** The command's technicians (canonical ids at `field`) → Jobber user ids, in order. */
export async function resolveTechnicians(
  ctx: WriteContext,
  technicianIds: readonly string[],
  field: string,
): Promise<string[]> {
  const out: string[] = [];
  for (const [i, id] of technicianIds.entries()) {
    out.push((await ctx.resolve(id, `${field}[${i}]`)).externalId);
  }
  return out;
}

/**
 * Other visits of these technicians (Jobber user ids) that overlap the window, read fresh from Jobber:
 * what the writer's conflict check refuses unless the command allows the overlap.
 */
export async function bookingsIn(
  ctx: WriteContext,
  window: { startAt: string; endAt: string },
  technicians: readonly string[],
  ownVisitId: string | undefined,
): Promise<Booking[]> {
  if (technicians.length === 0) return [];
  const out: Booking[] = [];
  for (const visit of await visitsOverlapping(ctx, window.startAt, window.endAt)) {
    if (visit.id === ownVisitId) continue;
    for (const user of visit.users) {
      if (!technicians.includes(user)) continue;
      out.push({
        technicianId: idOf(ctx, 'technician', user),
        appointmentId: idOf(ctx, 'appointment', visit.id),
        start: normalizeTimestamp(visit.startAt),
        end: normalizeTimestamp(visit.endAt),
      });
    }
  }
  return out;
}
