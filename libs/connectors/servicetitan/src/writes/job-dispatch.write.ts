import type { CommandOf } from '@fieldsync/canonical-model';
import { VendorWriteError, defineWrite, type WriteContext } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import type { ServiceTitanAppointment } from '../servicetitan.schemas';
import { bookingsOf } from './write-bookings.util';
import {
  appointmentRecords,
  jobRecord,
  readAppointments,
  readAssignments,
  readJob,
  type WriteRecord,
} from './write-readback.util';
import { cid, resolveId, windowOf } from './write-values.util';

/*
 * job.dispatch → dispatch `AppointmentAssignments_UnassignTechnicians` / `_AssignTechnicians` and jpm
 * `Appointments_Reschedule`, on the appointment named (or the job's only open one, else its next): the
 * removed technicians are freed first, then the window moves, then the new ones are booked into it.
 * `allowOverlap` is honoured by the writer's conflict check (`bookings`); ServiceTitan itself refuses a
 * double booking (schedule_conflict). Setting a crew and a window is naturally idempotent: no `find`.
 *
 * Not carried, so refused by name: notifyCustomer (ServiceTitan's customer notifications are a job
 * setting, `notificationsEnabled`, with no per-dispatch switch in the reschedule or assignment calls).
 */

const client = new ServiceTitanClient();

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  technicianIds: 'payload.technicians.technicianIds',
  jobAppointmentId: 'payload.appointmentId',
  start: 'payload.window',
  end: 'payload.window',
  arrivalWindowStart: 'payload.window.arrivalWindowStart',
} as const;

const OPEN = (a: ServiceTitanAppointment): boolean => a.status !== 'Done' && a.status !== 'Canceled';

/** The appointment a dispatch is about: the one named, else the job's only open one, else its next. */
async function dispatchTarget(
  ctx: WriteContext,
  command: CommandOf<'job.dispatch'>,
): Promise<{ jobId: number; appointment: ServiceTitanAppointment }> {
  const p = command.payload;
  const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
  const appointments = await readAppointments(ctx, { jobId: String(jobId) });
  if (p.appointmentId !== undefined) {
    const id = await resolveId(ctx, p.appointmentId, 'payload.appointmentId');
    const found = appointments.find((a) => a.id === id);
    if (!found) {
      throw new VendorWriteError('not_found', `ServiceTitan job ${jobId} has no appointment ${id}`, {
        field: 'payload.appointmentId',
      });
    }
    return { jobId, appointment: found };
  }
  const open = appointments.filter(OPEN).sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id);
  const now = ctx.now().toISOString();
  const chosen = open.length === 1 ? open[0] : (open.find((a) => a.end >= now) ?? open[open.length - 1]);
  if (!chosen) {
    throw new VendorWriteError('not_found', `ServiceTitan job ${jobId} has no open appointment`, {
      field: 'payload.appointmentId',
    });
  }
  return { jobId, appointment: chosen };
}

async function technicianIdsOf(
  ctx: WriteContext,
  ids: readonly string[],
): Promise<{ canonical: string; id: number }[]> {
  const out: { canonical: string; id: number }[] = [];
  for (const [i, t] of ids.entries()) {
    out.push({ canonical: t, id: await resolveId(ctx, t, `payload.technicians.technicianIds[${i}]`) });
  }
  return out;
}

export const jobDispatchWrite = defineWrite('job.dispatch', {
  carries: ['jobId', 'appointmentId', 'technicians', 'window', 'allowOverlap'],

  async execute(ctx, command) {
    const p = command.payload;
    const { jobId, appointment } = await dispatchTarget(ctx, command);
    const current = new Set((await readAssignments(ctx, [appointment.id])).map((a) => a.technicianId));
    const wanted = p.technicians
      ? (await technicianIdsOf(ctx, p.technicians.technicianIds)).map((t) => t.id)
      : [];
    let assign: number[] = [];
    let unassign: number[] = [];
    if (p.technicians?.mode === 'assign') assign = wanted.filter((t) => !current.has(t));
    if (p.technicians?.mode === 'unassign') unassign = wanted.filter((t) => current.has(t));
    if (p.technicians?.mode === 'replace') {
      unassign = [...current].filter((t) => !wanted.includes(t));
      assign = wanted.filter((t) => !current.has(t));
    }
    // Free the removed technicians first, then move the window, then book the new ones into it.
    if (unassign.length) {
      await client.post(
        ctx,
        'dispatch',
        'appointment-assignments/unassign-technicians',
        { jobAppointmentId: appointment.id, technicianIds: unassign },
        FIELDS,
      );
    }
    if (p.window) {
      await client.patch(ctx, 'jpm', `appointments/${appointment.id}/reschedule`, windowOf(p.window), FIELDS);
    }
    if (assign.length) {
      await client.post(
        ctx,
        'dispatch',
        'appointment-assignments/assign-technicians',
        { jobAppointmentId: appointment.id, technicianIds: assign },
        FIELDS,
      );
    }
    const job = await readJob(ctx, jobId);
    const [after] = await readAppointments(ctx, { ids: String(appointment.id) });
    if (!after) throw new Error(`ServiceTitan appointment ${appointment.id}: gone after the dispatch`);
    const appointmentRecord = (await appointmentRecords(ctx, [after]))[0] as WriteRecord;
    const assignments = (appointmentRecord.raw as { assignments: { technicianId: number }[] }).assignments;
    return {
      records: [appointmentRecord, await jobRecord(ctx, job)],
      result: {
        jobId: cid(ctx, 'job', job.id),
        appointmentId: cid(ctx, 'appointment', after.id),
        technicianIds: assignments.map((a) => cid(ctx, 'technician', a.technicianId)),
        scheduledStart: after.start,
        scheduledEnd: after.end,
      },
    };
  },

  async bookings(ctx, command) {
    const p = command.payload;
    const { appointment } = await dispatchTarget(ctx, command);
    const window = p.window ? windowOf(p.window) : { start: appointment.start, end: appointment.end };
    const current = await readAssignments(ctx, [appointment.id]);
    const named = p.technicians ? await technicianIdsOf(ctx, p.technicians.technicianIds) : [];
    const mode = p.technicians?.mode;
    const kept = current
      .filter(
        (a) => mode !== 'replace' && !(mode === 'unassign' && named.some((n) => n.id === a.technicianId)),
      )
      .map((a) => ({ canonical: cid(ctx, 'technician', a.technicianId), id: a.technicianId }));
    const added = mode === 'unassign' ? [] : named;
    const crew = [...kept, ...added.filter((t) => !kept.some((k) => k.id === t.id))];
    return bookingsOf(ctx, crew, window, appointment.id);
  },
});
