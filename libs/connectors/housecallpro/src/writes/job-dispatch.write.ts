import { normalizeTimestamp, type CommandOf } from '@fieldsync/canonical-model';
import { defineWrite, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { bookingsIn, resolveEmployees } from './write-bookings.util';
import { refusalsMapped } from './write-errors.util';
import { client, readJob, type JobRead } from './write-readback.util';
import { arrivalMinutes, hcpTime, idOf, windowEnd } from './write-values.util';

/*
 * job.dispatch → `PUT /jobs/{id}/schedule` (start_time, end_time, arrival_window_in_minutes) for a new
 * window, then `PUT /jobs/{id}/dispatch` (dispatched_employees: the whole crew) for the technicians:
 * assign adds to the appointment's crew, unassign removes, replace sets it. Both endpoints act on the
 * job's one appointment (Housecall Pro: a multi-day job is moved through its appointments, which this
 * write does not do: refused naming `payload.appointmentId`). A job without a schedule gets one from the
 * window; technicians alone need a schedule to dispatch to.
 *
 * Setting a window and a crew is idempotent (a retry sets the same), so there is no `find`. Not carried:
 * `notifyCustomer` (the sandbox sends customers no notifications; refused by name). `allowOverlap` is
 * honoured by the writer's conflict check (`bookings`).
 */

type Payload = CommandOf<'job.dispatch'>['payload'];

/** The crew after the command: Housecall Pro employee ids. */
async function crewAfter(
  ctx: WriteContext,
  p: Payload,
  current: readonly string[],
): Promise<string[] | undefined> {
  if (p.technicians === undefined) return undefined;
  const ids = await resolveEmployees(ctx, p.technicians.technicianIds, 'payload.technicians.technicianIds');
  switch (p.technicians.mode) {
    case 'assign':
      return [...current, ...ids.filter((id) => !current.includes(id))];
    case 'unassign':
      return current.filter((id) => !ids.includes(id));
    case 'replace':
      return ids;
  }
}

/** The job's one appointment (its id, or undefined when it has no schedule), checked against the command's. */
function soleAppointment(ctx: WriteContext, p: Payload, read: JobRead): string | undefined {
  const appointments = read.job.schedule.appointments ?? [];
  if (appointments.length > 1) {
    throw new VendorWriteError(
      'unsupported',
      "a Housecall Pro job of several appointments is moved through its appointments' endpoints, which this write does not use",
      { field: 'payload.appointmentId' },
    );
  }
  const only = appointments[0];
  if (
    p.appointmentId !== undefined &&
    (only === undefined || idOf(ctx, 'appointment', only.id) !== p.appointmentId)
  ) {
    throw new VendorWriteError('not_found', `appointment ${p.appointmentId} is not this job's`, {
      field: 'payload.appointmentId',
    });
  }
  return only?.id;
}

export const jobDispatchWrite = defineWrite('job.dispatch', {
  carries: [
    'jobId',
    'appointmentId',
    'technicians.mode',
    'technicians.technicianIds',
    'window.scheduledStart',
    'window.scheduledEnd',
    'window.durationMinutes',
    'window.arrivalWindowStart',
    'window.arrivalWindowEnd',
    'allowOverlap',
  ],

  async execute(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const path = `/jobs/${encodeURIComponent(job.externalId)}`;
    let read = await readJob(ctx, job.externalId);
    const appointmentId = soleAppointment(ctx, p, read);
    const current = read.job.assigned_employees.map((e) => e.id);
    const crew = await crewAfter(ctx, p, current);
    const window = p.window;
    if (window) {
      const arrival = arrivalMinutes(window, 'payload.window');
      await refusalsMapped(
        {
          start_time: 'payload.window.scheduledStart',
          end_time: 'payload.window.scheduledEnd',
          arrival_window_in_minutes: 'payload.window.arrivalWindowEnd',
        },
        () =>
          client.send(ctx, 'PUT', `${path}/schedule`, {
            start_time: hcpTime(window.scheduledStart),
            end_time: windowEnd(window),
            ...(arrival === undefined ? {} : { arrival_window_in_minutes: arrival }),
          }),
      );
    } else if (appointmentId === undefined) {
      throw new VendorWriteError(
        'validation_failed',
        'the job has no schedule to dispatch to: give a window',
        {
          field: 'payload.window',
        },
      );
    }
    if (crew !== undefined) {
      await refusalsMapped(
        {
          dispatched_employees: 'payload.technicians.technicianIds',
          employee_id: 'payload.technicians.technicianIds',
        },
        () =>
          client.send(ctx, 'PUT', `${path}/dispatch`, {
            dispatched_employees: crew.map((employee_id) => ({ employee_id })),
          }),
      );
    }
    read = await readJob(ctx, job.externalId);
    const appointment = read.job.schedule.appointments?.[0];
    if (!appointment)
      throw new VendorWriteError('vendor_rejected', 'Housecall Pro kept no schedule for the job');
    return {
      records: read.records,
      result: {
        jobId: idOf(ctx, 'job', read.job.id),
        appointmentId: idOf(ctx, 'appointment', appointment.id),
        technicianIds: appointment.dispatched_employees_ids.map((e) => idOf(ctx, 'technician', e)),
        scheduledStart: normalizeTimestamp(appointment.start_time),
        scheduledEnd: normalizeTimestamp(appointment.end_time),
      },
    };
  },

  async bookings(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const read = await readJob(ctx, job.externalId);
    const own = read.job.schedule.appointments?.[0];
    const crew =
      (await crewAfter(
        ctx,
        p,
        read.job.assigned_employees.map((e) => e.id),
      )) ?? read.job.assigned_employees.map((e) => e.id);
    const window = p.window
      ? { start: hcpTime(p.window.scheduledStart), end: windowEnd(p.window) }
      : own
        ? { start: own.start_time, end: own.end_time }
        : undefined;
    if (window === undefined || crew.length === 0) return [];
    return bookingsIn(ctx, window, crew, own?.id);
  },
});
