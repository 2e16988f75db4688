import { findMarker, type WriteContext } from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import type { JobberSelection } from '../jobber-query.util';
import { resolveTechnicians } from './write-bookings.util';
import { commandFields, createdId } from './write-errors.util';
import { findSince, updatedSince, type JobRead } from './write-readback.util';
import { idOf, text, windowOf, type WindowInput } from './write-values.util';

/*
 * `jobCreate`, shared by job.create and quote.convert (a conversion is a job made with the quote's id).
 * The job's `instructions` carry the command's marker: a job made by a command shows it.
 */

const JOB_FIND: JobberSelection = ['id', 'instructions', { name: 'quote', fields: ['id'] }];

/** The job changed since the first attempt whose instructions carry this command's marker (and, given, made from that quote). */
export async function jobWithMarker(ctx: WriteContext, quoteId?: string): Promise<string | undefined> {
  const nodes = await updatedSince(ctx, 'jobs', 'JobFilterAttributes', JOB_FIND, findSince(ctx));
  const match = nodes.find(
    (n) =>
      findMarker(text(n['instructions'])) === ctx.marker &&
      (quoteId === undefined || (n['quote'] as { id?: string } | null)?.id === quoteId),
  );
  return match ? (match['id'] as string) : undefined;
}

/** JobCreateAttributes.scheduling: the window and its crew (Jobber user ids), or none without a window. */
export async function scheduling(
  ctx: WriteContext,
  window: WindowInput | undefined,
  technicianIds: readonly string[] | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (window === undefined) return undefined;
  const users = await resolveTechnicians(ctx, technicianIds ?? [], 'payload.technicianIds');
  return { ...windowOf(window), assignedUserIds: users };
}

/** `jobCreate(input)`; the new job's id. Both commands name the window `appointment` and the crew `technicianIds`. */
export async function createJob(ctx: WriteContext, input: Record<string, unknown>): Promise<string> {
  const appointment = 'payload.appointment';
  const technicians = 'payload.technicianIds';
  const payload = await jobberMutate(
    ctx,
    'FieldsyncJobCreate',
    `mutation FieldsyncJobCreate($input: JobCreateAttributes!) {
      jobCreate(input: $input) { job { id } userErrors { message path } }
    }`,
    { input },
    'jobCreate',
    {
      fieldOf: commandFields({
        'input.propertyId': 'payload.locationId',
        'input.title': 'payload.title',
        'input.quoteId': 'payload.estimateId',
        'input.scheduling': appointment,
        'input.scheduling.startAt': `${appointment}.scheduledStart`,
        'input.scheduling.endAt': `${appointment}.scheduledEnd`,
        'input.scheduling.assignedUserIds': technicians,
        'input.scheduling.assignedUserIds.*': (i) => `${technicians}[${i[0] ?? 0}]`,
      }),
      conflictField: technicians,
    },
  );
  return createdId(payload, 'job', 'jobCreate');
}

/** The result of a command that made a job: its ids and number, the first visit as its appointment. */
export function jobResult(ctx: WriteContext, read: JobRead) {
  const first = read.visits[0];
  return {
    jobId: idOf(ctx, 'job', read.job.id),
    appointmentId: first ? idOf(ctx, 'appointment', first.id) : null,
    number: String(read.job.jobNumber),
  };
}
