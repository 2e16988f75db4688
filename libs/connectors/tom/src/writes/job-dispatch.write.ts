import type { CommandOf } from '@fieldsync/canonical-model';
import { defineWrite, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { tomWorkOrderSchema } from '../tom.schemas';
import { tomDateTimeToUtc, utcToTomDateTime } from '../tom-time.util';
import { minutesOf } from './job-create.write';
import { idOf, readDetail, submitForm, unsupported } from './write-forms.util';

/*
 * job.dispatch → the work order's Dispatch form: its start and duration (the window) and the crew
 * (assign, unassign or replace, worked out from the crew the work order shows now). TOM keeps one visit per
 * work order: its appointment has the work order's number. Idempotent (setting a window and a crew), so no
 * `find`. Not carried: arrival windows, customer notification.
 */

type Command = CommandOf<'job.dispatch'>;

const FIELDS = {
  Start: 'payload.window.scheduledStart',
  Duration: 'payload.window.durationMinutes',
  TechnicianIDs: 'payload.technicians.technicianIds',
};

async function crewOf(ctx: WriteContext, command: Command, current: readonly string[]): Promise<string[]> {
  const t = command.payload.technicians;
  if (!t) return [...current];
  const wanted: string[] = [];
  for (const [i, id] of t.technicianIds.entries()) {
    wanted.push((await ctx.resolve(id, `payload.technicians.technicianIds[${String(i)}]`)).externalId);
  }
  if (t.mode === 'replace') return wanted;
  if (t.mode === 'assign') return [...current, ...wanted.filter((id) => !current.includes(id))];
  return current.filter((id) => !wanted.includes(id));
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
    'allowOverlap',
  ],
  async execute(ctx, command) {
    const p = command.payload;
    if (p.window?.arrivalWindowStart !== undefined) {
      throw unsupported(
        'payload.window.arrivalWindowStart',
        'a TOM work order has a start and a duration only',
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    if (p.appointmentId !== undefined && p.appointmentId !== idOf(ctx, 'appointment', job.externalId)) {
      throw new VendorWriteError(
        'not_found',
        'a TOM work order has one visit: the appointment is not this work order’s',
        {
          field: 'payload.appointmentId',
        },
      );
    }
    const before = await readDetail(
      ctx,
      '/WorkOrders',
      job.externalId,
      'job',
      tomWorkOrderSchema,
      'payload.jobId',
    );
    const fields = (before.raw as { fields: Record<string, string> }).fields;
    const current = (fields['Assigned IDs'] ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const crew = await crewOf(ctx, command, current);
    await submitForm(
      ctx,
      `/WorkOrders/${encodeURIComponent(job.externalId)}/Dispatch`,
      {
        Start: p.window ? utcToTomDateTime(p.window.scheduledStart) : (fields['Start'] ?? ''),
        Duration: p.window ? String(minutesOf(p.window)) : (fields['Duration (min)'] ?? ''),
        TechnicianIDs: crew.join(','),
      },
      FIELDS,
    );
    const after = await readDetail(
      ctx,
      '/WorkOrders',
      job.externalId,
      'job',
      tomWorkOrderSchema,
      'payload.jobId',
    );
    const now = (after.raw as { fields: Record<string, string> }).fields;
    const start = now['Start'] ? tomDateTimeToUtc(now['Start']) : null;
    const minutes = Number(now['Duration (min)'] ?? '0');
    return {
      records: [after, { ...after, entity: 'appointment' }],
      result: {
        jobId: idOf(ctx, 'job', job.externalId),
        appointmentId: idOf(ctx, 'appointment', job.externalId),
        technicianIds: (now['Assigned IDs'] ?? '')
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((id) => idOf(ctx, 'technician', id)),
        scheduledStart: start,
        scheduledEnd: start === null ? null : new Date(Date.parse(start) + minutes * 60_000).toISOString(),
      },
    };
  },
});
