import { defineWrite, findMarker, withMarker, type WriteContext } from '@fieldsync/connector-kit';
import type { CommandOf } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { localDateBefore } from '../readers/paging.util';
import { workizClient } from '../workiz.readers';
import { workizClientSchema, workizJobSchema, workizListSchema, workizOneSchema } from '../workiz.schemas';
import { workizBookings } from './write-bookings.util';
import { unsupported, vendorCall } from './write-errors.util';
import { readJob } from './write-readback.util';
import { currentNames } from './write-team.util';
import { idOf, workizLocal } from './write-values.util';

/*
 * job.create → `job/create/` (Developer API) for an existing client (`ClientId`): Workiz books the job at
 * the client's first service location, its job type (`JobType`, which Workiz also shows as the job's
 * name: the canonical title), source, window (`JobDateTime`–`JobEndDateTime` in the account's time) and
 * technicians by full name (`Team`). The description and notes go in the job's notes with the command's
 * marker on the last line (`find` looks for it among the jobs listed from the window's day). Refused by
 * name: another location or a service address (Workiz takes the client's), a title other than the job
 * type, priority, business unit, arrival window, line items (an invoice's, invoice.create), tags and
 * custom fields; a job needs a window (Workiz lists jobs by their time).
 */

const FIELDS = {
  JobType: 'payload.jobType',
  JobSource: 'payload.source',
  JobDateTime: 'payload.appointment.scheduledStart',
  JobEndDateTime: 'payload.appointment.scheduledEnd',
  Team: 'payload.technicianIds',
  ClientId: 'payload.customerId',
};

type JobCreate = CommandOf<'job.create'>;

function windowOf(p: JobCreate['payload']): { start: string; end: string } {
  const a = p.appointment;
  if (!a)
    throw unsupported(
      'payload.appointment',
      'lists every job by its date and time: give an appointment window',
    );
  const end =
    a.scheduledEnd ??
    new Date(Date.parse(a.scheduledStart) + (a.durationMinutes ?? 0) * 60_000).toISOString();
  return { start: a.scheduledStart, end };
}

async function outcome(ctx: WriteContext, uuid: string) {
  const { job, records } = await readJob(ctx, uuid);
  return {
    records,
    result: {
      jobId: idOf(ctx, 'job', uuid),
      appointmentId: idOf(ctx, 'appointment', uuid),
      number: String(job.SerialId),
    },
  };
}

export const jobCreateWrite = defineWrite('job.create', {
  carries: [
    'customerId',
    'locationId',
    'title',
    'description',
    'jobType',
    'source',
    'appointment.scheduledStart',
    'appointment.scheduledEnd',
    'appointment.durationMinutes',
    'technicianIds',
    'allowOverlap',
    'notes',
  ],

  async bookings(ctx, command) {
    const techs: string[] = [];
    for (const [i, id] of (command.payload.technicianIds ?? []).entries()) {
      techs.push((await ctx.resolve(id, `payload.technicianIds[${i}]`)).externalId);
    }
    return workizBookings(ctx, techs, windowOf(command.payload), null);
  },

  /** The job whose notes carry the marker, among the jobs listed from the day before the window on. */
  async find(ctx, command) {
    const { start } = windowOf(command.payload);
    const { timezone } = await workizClient.apiAccess(ctx);
    for (let offset = 0, guard = 0; guard < 100; guard++) {
      const page = workizListSchema.parse(
        await workizClient.apiGet(ctx, '/job/all/', {
          records: '100',
          offset: String(offset),
          only_open: 'false',
          start_date: localDateBefore(new Date(start), 1, timezone),
        }),
      );
      for (const row of page.data) {
        const job = workizJobSchema.safeParse(row);
        if (job.success && findMarker(job.data.JobNotes) === ctx.marker) return outcome(ctx, job.data.UUID);
      }
      if (!page.has_more) return null;
      offset += page.data.length;
    }
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const window = windowOf(p);
    const jobType = p.jobType ?? p.title;
    if (p.jobType !== undefined && p.title !== p.jobType) {
      throw unsupported(
        'payload.title',
        `jobs have no title of their own: Workiz shows the job type ("${p.jobType}") as the job's name`,
      );
    }
    const client = await ctx.resolve(p.customerId, 'payload.customerId');
    const raw = workizClientSchema.parse(client.raw);
    if (p.locationId !== undefined) {
      const first = raw.service_locations[0];
      if (!first || idOf(ctx, 'location', String(first.location_id)) !== p.locationId) {
        throw unsupported(
          'payload.locationId',
          "books a client's job at the client's first service location only",
        );
      }
    }
    const names = await currentNames(ctx);
    const team: string[] = [];
    for (const [i, id] of (p.technicianIds ?? []).entries()) {
      const tech = await ctx.resolve(id, `payload.technicianIds[${i}]`);
      const name = names.get(tech.externalId);
      if (name === undefined)
        throw unsupported(`payload.technicianIds[${i}]`, `has no team member ${tech.externalId} any more`);
      team.push(name);
    }
    const { timezone } = await workizClient.apiAccess(ctx);
    const notes = [p.description, p.notes]
      .filter((t): t is string => t !== undefined && t.trim() !== '')
      .join('\n\n');
    const body = {
      ClientId: raw.client_id,
      JobType: jobType,
      ...(p.source !== undefined ? { JobSource: p.source } : {}),
      JobDateTime: workizLocal(window.start, timezone),
      JobEndDateTime: workizLocal(window.end, timezone),
      JobNotes: withMarker(notes, ctx.marker),
      ...(team.length > 0 ? { Team: team } : {}),
    };
    const created = workizOneSchema.parse(
      await vendorCall('job/create', FIELDS, () => workizClient.apiPost(ctx, '/job/create/', body)),
    );
    const uuid = z.object({ UUID: z.string().min(1) }).parse(created.data).UUID;
    return outcome(ctx, uuid);
  },
});
