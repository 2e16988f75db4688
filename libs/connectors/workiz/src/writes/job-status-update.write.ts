import { defineWrite } from '@fieldsync/connector-kit';
import type { JobStatus } from '@fieldsync/canonical-model';
import { workizMapper } from '../workiz.mapper';
import { workizClient } from '../workiz.readers';
import { unsupported, vendorCall } from './write-errors.util';
import { readJob } from './write-readback.util';
import { idOf } from './write-values.util';

/*
 * job.status.update → `job/update/` with the status (and sub-status) Workiz allows: in_progress → In
 * progress, en_route / on_site → In progress with the account's sub-status "En route" / "On site",
 * on_hold → Pending, completed → Done, canceled → Canceled. The reason of a hold or a cancellation is the
 * sub-status Workiz shows beside the status; otherwise the job's sub-status is kept when the status does
 * not change. A note is appended to the job's notes. `dispatched` (Workiz: assign a technician, job.dispatch)
 * and `occurredAt` (Workiz stamps the change itself) are refused by name; a job's only visit is the job, so
 * `appointmentId` is carried when it names the job's own visit.
 */

const TARGET: Partial<Record<JobStatus, { Status: string; SubStatus?: string }>> = {
  in_progress: { Status: 'In progress' },
  en_route: { Status: 'In progress', SubStatus: 'En route' },
  on_site: { Status: 'In progress', SubStatus: 'On site' },
  on_hold: { Status: 'Pending' },
  completed: { Status: 'Done' },
  canceled: { Status: 'Canceled' },
};

export const jobStatusUpdateWrite = defineWrite('job.status.update', {
  carries: ['jobId', 'appointmentId', 'status', 'reason', 'note'],

  // Naturally idempotent: the same status set twice is one state.
  async execute(ctx, command) {
    const p = command.payload;
    const target = TARGET[p.status];
    if (!target) {
      throw unsupported(
        'payload.status',
        `sets no job status "${p.status}": assign a technician with job.dispatch`,
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    if (p.appointmentId !== undefined && p.appointmentId !== idOf(ctx, 'appointment', job.externalId)) {
      throw unsupported(
        'payload.appointmentId',
        'jobs have one visit, the job itself: name the job’s own visit or none',
      );
    }
    const before = await readJob(ctx, job.externalId);
    const subStatus =
      target.SubStatus ?? p.reason ?? (before.job.Status === target.Status ? before.job.SubStatus : '');
    const body = {
      UUID: job.externalId,
      Status: target.Status,
      SubStatus: subStatus,
      ...(p.note !== undefined ? { JobNotes: `${before.job.JobNotes}\n${p.note}`.trim() } : {}),
    };
    await vendorCall(
      'job/update',
      { Status: 'payload.status', SubStatus: 'payload.reason', JobNotes: 'payload.note' },
      () => workizClient.apiPost(ctx, '/job/update/', body),
    );
    const after = await readJob(ctx, job.externalId);
    const [primary] = after.records;
    if (!primary) throw new Error('Workiz job read back without records');
    const canonical = workizMapper.toCanonical(primary, ctx) as { status: string };
    return {
      records: after.records,
      result: {
        jobId: idOf(ctx, 'job', job.externalId),
        status: canonical.status,
        vendorStatus: after.job.Status,
      },
    };
  },
});
