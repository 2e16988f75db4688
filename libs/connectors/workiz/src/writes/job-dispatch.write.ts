import { defineWrite, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import type { CommandOf } from '@fieldsync/canonical-model';
import { localToUtc } from '../mappers/local-time.util';
import { workizClient } from '../workiz.readers';
import { workizJobRecordSchema } from '../workiz.schemas';
import { workizBookings } from './write-bookings.util';
import { unsupported, vendorCall } from './write-errors.util';
import { readJob } from './write-readback.util';
import { crewOf, currentNames, setAssigned } from './write-team.util';
import { idOf, workizLocal } from './write-values.util';

/*
 * job.dispatch → Workiz's assign/unassign by full name, one technician a call (the crew diffed against the
 * job's: `assign` adds, `unassign` removes, `replace` both), and `job/update/` for the window
 * (`JobDateTime`, `JobEndDateTime` in the account's time). A technician renamed since the job was assigned
 * still shows the old name on the job: the crew is read by member (write-team.util.ts) and every call uses
 * the member's current name. Naturally idempotent (a retry finds the crew and window already set). Not
 * carried: the arrival window (Workiz has none) and notifyCustomer (the API sends no notification).
 */

type Dispatch = CommandOf<'job.dispatch'>;

function windowOf(p: Dispatch['payload']): { start: string; end: string } | null {
  if (!p.window) return null;
  const start = p.window.scheduledStart;
  const end =
    p.window.scheduledEnd ??
    new Date(Date.parse(start) + (p.window.durationMinutes ?? 0) * 60_000)
      .toISOString()
      .replace('.000Z', 'Z');
  return { start, end };
}

async function resolveTechnicians(ctx: WriteContext, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const [i, id] of ids.entries()) {
    out.push((await ctx.resolve(id, `payload.technicians.technicianIds[${i}]`)).externalId);
  }
  return out;
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

  async bookings(ctx, command) {
    const p = command.payload;
    const added =
      p.technicians && p.technicians.mode !== 'unassign'
        ? await resolveTechnicians(ctx, p.technicians.technicianIds)
        : [];
    if (added.length === 0) return [];
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    let span = windowOf(p);
    if (span === null) {
      const { job: j } = await readJob(ctx, job.externalId);
      span = { start: localToUtc(j.JobDateTime, j.Timezone), end: localToUtc(j.JobEndDateTime, j.Timezone) };
    }
    return workizBookings(ctx, added, span, job.externalId);
  },

  async execute(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    if (p.appointmentId !== undefined && p.appointmentId !== idOf(ctx, 'appointment', job.externalId)) {
      throw unsupported(
        'payload.appointmentId',
        'jobs have one visit, the job itself: name the job’s own visit or none',
      );
    }
    if (p.notifyCustomer !== undefined) {
      throw unsupported('payload.notifyCustomer', 'sends no customer notification through the API');
    }
    const stored = workizJobRecordSchema.safeParse(job.raw);
    const before = await readJob(ctx, job.externalId);
    const window = windowOf(p);
    if (window) {
      const { timezone } = await workizClient.apiAccess(ctx);
      await vendorCall(
        'job/update',
        { JobDateTime: 'payload.window.scheduledStart', JobEndDateTime: 'payload.window.scheduledEnd' },
        () =>
          workizClient.apiPost(ctx, '/job/update/', {
            UUID: job.externalId,
            JobDateTime: workizLocal(window.start, timezone),
            JobEndDateTime: workizLocal(window.end, timezone),
          }),
      );
    }
    if (p.technicians) {
      const names = await currentNames(ctx);
      const crew = crewOf(before.job.Team, names, stored.success ? stored.data : null);
      const wanted = await resolveTechnicians(ctx, p.technicians.technicianIds);
      const mode = p.technicians.mode;
      const add = mode === 'unassign' ? [] : wanted.filter((id) => !crew.includes(id));
      const remove =
        mode === 'assign'
          ? []
          : mode === 'unassign'
            ? wanted.filter((id) => crew.includes(id))
            : crew.filter((id) => !wanted.includes(id));
      const nameOf = (id: string, field: string): string => {
        const name = names.get(id);
        if (name === undefined)
          throw new VendorWriteError('not_found', `Workiz has no team member ${id}`, { field });
        return name;
      };
      for (const id of remove) {
        await setAssigned(
          ctx,
          job.externalId,
          nameOf(id, 'payload.technicians.technicianIds'),
          false,
          'payload.technicians.technicianIds',
        );
      }
      for (const id of add) {
        const index = p.technicians.technicianIds.findIndex((_, i) => wanted[i] === id);
        const field = `payload.technicians.technicianIds[${index}]`;
        await setAssigned(ctx, job.externalId, nameOf(id, field), true, field);
      }
    }
    const after = await readJob(ctx, job.externalId);
    const names = await currentNames(ctx);
    const crew = crewOf(after.job.Team, names, stored.success ? stored.data : null);
    const appointment = after.records[1];
    if (!appointment) throw new Error('Workiz job read back without its visit');
    return {
      records: after.records,
      result: {
        jobId: idOf(ctx, 'job', job.externalId),
        appointmentId: idOf(ctx, 'appointment', job.externalId),
        technicianIds: crew.map((id) => idOf(ctx, 'technician', id)).sort(),
        scheduledStart: localToUtc(after.job.JobDateTime, after.job.Timezone),
        scheduledEnd: localToUtc(after.job.JobEndDateTime, after.job.Timezone),
      },
    };
  },
});
