import { normalizeTimestamp, type CommandOf } from '@fieldsync/canonical-model';
import { defineWrite, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import type { JobberVisit } from '../jobber.schemas';
import { bookingsIn, resolveTechnicians } from './write-bookings.util';
import { commandFields } from './write-errors.util';
import { readJob, type JobRead } from './write-readback.util';
import { idOf, windowOf } from './write-values.util';

/*
 * job.dispatch → `appointmentEditSchedule` (the visit's start and end) and `appointmentEditAssignment` (its
 * crew), each sent only when it changes something: setting a window or a crew is naturally idempotent.
 * `allowOverlap` is honoured by the writer's conflict check (`bookings`); Jobber's calendar itself holds
 * overlapping visits. The arrival window and a customer notification have no input in these mutations.
 */

interface DispatchPlan {
  readonly read: JobRead;
  readonly visit: JobberVisit;
  /** Jobber user ids of the crew after the command. */
  readonly crew: readonly string[];
  /** The command's technician ids by Jobber user id (for userErrors). */
  readonly commandIndex: ReadonlyMap<string, number>;
  readonly window: { startAt: string; endAt: string } | undefined;
}

/** The visit the command means: the one named, or the job's only open visit, or the next one to start. */
async function visitOf(
  ctx: WriteContext,
  p: CommandOf<'job.dispatch'>['payload'],
  read: JobRead,
): Promise<JobberVisit> {
  if (p.appointmentId !== undefined) {
    const appointment = await ctx.resolve(p.appointmentId, 'payload.appointmentId');
    const visit = read.visits.find((v) => v.id === appointment.externalId);
    if (!visit) {
      throw new VendorWriteError('validation_failed', 'the appointment is not a visit of this job', {
        field: 'payload.appointmentId',
      });
    }
    return visit;
  }
  const open = read.visits.filter((v) => !v.isComplete);
  const visit = [...open].sort((a, b) => (a.startAt ?? '9').localeCompare(b.startAt ?? '9'))[0];
  if (!visit) {
    throw new VendorWriteError('not_found', 'the job has no open visit to dispatch', {
      field: 'payload.appointmentId',
    });
  }
  return visit;
}

async function planDispatch(ctx: WriteContext, command: CommandOf<'job.dispatch'>): Promise<DispatchPlan> {
  const p = command.payload;
  const job = await ctx.resolve(p.jobId, 'payload.jobId');
  const read = await readJob(ctx, job.externalId);
  const visit = await visitOf(ctx, p, read);
  const current = visit.assignedUsers.nodes.map((u) => u.id);
  const commandIndex = new Map<string, number>();
  let crew = current;
  if (p.technicians) {
    const users = await resolveTechnicians(
      ctx,
      p.technicians.technicianIds,
      'payload.technicians.technicianIds',
    );
    users.forEach((u, i) => commandIndex.set(u, i));
    switch (p.technicians.mode) {
      case 'assign':
        crew = [...current, ...users.filter((u) => !current.includes(u))];
        break;
      case 'unassign':
        crew = current.filter((u) => !users.includes(u));
        break;
      case 'replace':
        crew = users;
        break;
    }
  }
  return { read, visit, crew, commandIndex, window: p.window ? windowOf(p.window) : undefined };
}

const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

async function editSchedule(ctx: WriteContext, appointmentId: string, window: DispatchPlan['window']) {
  await jobberMutate(
    ctx,
    'FieldsyncAppointmentEditSchedule',
    `mutation FieldsyncAppointmentEditSchedule($appointmentId: EncodedId!, $input: AppointmentEditScheduleInput!) {
      appointmentEditSchedule(appointmentId: $appointmentId, input: $input) { appointment { id } userErrors { message path } }
    }`,
    { appointmentId, input: window },
    'appointmentEditSchedule',
    {
      fieldOf: commandFields({
        appointmentId: 'payload.appointmentId',
        'input.startAt': 'payload.window.scheduledStart',
        'input.endAt': 'payload.window.scheduledEnd',
      }),
      conflictField: 'payload.window',
    },
  );
}

async function editAssignment(ctx: WriteContext, appointmentId: string, plan: DispatchPlan) {
  await jobberMutate(
    ctx,
    'FieldsyncAppointmentEditAssignment',
    `mutation FieldsyncAppointmentEditAssignment($appointmentId: EncodedId!, $input: AppointmentEditAssignmentInput!) {
      appointmentEditAssignment(appointmentId: $appointmentId, input: $input) { appointment { id } userErrors { message path } }
    }`,
    { appointmentId, input: { assignedUserIds: plan.crew } },
    'appointmentEditAssignment',
    {
      fieldOf: commandFields({
        appointmentId: 'payload.appointmentId',
        'input.assignedUserIds': 'payload.technicians.technicianIds',
        'input.assignedUserIds.*': (i) => {
          const index = plan.commandIndex.get(plan.crew[i[0] ?? -1] ?? '');
          return index === undefined
            ? 'payload.technicians.technicianIds'
            : `payload.technicians.technicianIds[${index}]`;
        },
      }),
      conflictField: 'payload.technicians.technicianIds',
    },
  );
}

export const jobDispatchWrite = defineWrite('job.dispatch', {
  carries: [
    'jobId',
    'appointmentId',
    'technicians',
    'window.scheduledStart',
    'window.scheduledEnd',
    'window.durationMinutes',
    'allowOverlap',
  ],

  // Naturally idempotent: the crew and the window are set, not added to, and unchanged ones are not sent.
  async execute(ctx, command) {
    const plan = await planDispatch(ctx, command);
    const { visit } = plan;
    const appointmentId = visit.id;
    if (
      plan.window &&
      !(sameInstant(visit.startAt, plan.window.startAt) && sameInstant(visit.endAt, plan.window.endAt))
    ) {
      await editSchedule(ctx, appointmentId, plan.window);
    }
    const current = visit.assignedUsers.nodes.map((u) => u.id);
    const changed = current.length !== plan.crew.length || current.some((u) => !plan.crew.includes(u));
    if (changed) await editAssignment(ctx, appointmentId, plan);
    const read = await readJob(ctx, plan.read.job.id);
    const after = read.visits.find((v) => v.id === appointmentId);
    if (!after) {
      throw new VendorWriteError('not_found', 'the visit is gone after the dispatch', {
        field: 'payload.appointmentId',
      });
    }
    return {
      records: read.records,
      result: {
        jobId: idOf(ctx, 'job', read.job.id),
        appointmentId: idOf(ctx, 'appointment', after.id),
        technicianIds: [
          ...new Set(after.assignedUsers.nodes.map((u) => idOf(ctx, 'technician', u.id))),
        ].sort(),
        scheduledStart: after.startAt === null ? null : normalizeTimestamp(after.startAt),
        scheduledEnd: after.endAt === null ? null : normalizeTimestamp(after.endAt),
      },
    };
  },

  async bookings(ctx, command) {
    const plan = await planDispatch(ctx, command);
    const window =
      plan.window ??
      (plan.visit.startAt !== null && plan.visit.endAt !== null
        ? { startAt: plan.visit.startAt, endAt: plan.visit.endAt }
        : undefined);
    if (window === undefined) return [];
    return bookingsIn(ctx, window, plan.crew, plan.visit.id);
  },
});
