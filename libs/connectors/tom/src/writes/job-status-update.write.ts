import type { JobStatus } from '@fieldsync/canonical-model';
import { defineWrite } from '@fieldsync/connector-kit';
import { tomWorkOrderSchema } from '../tom.schemas';
import { idOf, readDetail, submitForm, unsupported, type WriteRecord } from './write-forms.util';

/*
 * job.status.update → the work order's Status form: In Progress, On Hold, Completed or Canceled, with the
 * reason TOM asks for holding or canceling (its Status Reason). Idempotent (setting a status), so no
 * `find`. TOM has no en-route or on-site status, and dispatching is job.dispatch: those are refused by name.
 */

const STATUS: Readonly<Partial<Record<JobStatus, string>>> = {
  in_progress: 'In Progress',
  on_hold: 'On Hold',
  completed: 'Completed',
  canceled: 'Canceled',
};

const CANONICAL: Readonly<Record<string, JobStatus>> = {
  Open: 'unscheduled',
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  'In Progress': 'in_progress',
  'On Hold': 'on_hold',
  Completed: 'completed',
  Canceled: 'canceled',
};

export const jobStatusUpdateWrite = defineWrite('job.status.update', {
  carries: ['jobId', 'appointmentId', 'status', 'reason'],
  async execute(ctx, command) {
    const p = command.payload;
    const status = STATUS[p.status];
    if (status === undefined) {
      throw unsupported(
        'payload.status',
        `TOM has no ${p.status} status for a work order (dispatch with job.dispatch)`,
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    if (p.appointmentId !== undefined && p.appointmentId !== idOf(ctx, 'appointment', job.externalId)) {
      throw unsupported(
        'payload.appointmentId',
        'a TOM work order has one visit: its status is the work order’s',
      );
    }
    await submitForm(
      ctx,
      `/WorkOrders/${encodeURIComponent(job.externalId)}/Status`,
      { Status: status, Reason: p.reason ?? '' },
      { Status: 'payload.status', Reason: 'payload.reason', '': 'payload.status' },
    );
    const after = await readDetail(
      ctx,
      '/WorkOrders',
      job.externalId,
      'job',
      tomWorkOrderSchema,
      'payload.jobId',
    );
    const fields = (after.raw as { fields: Record<string, string> }).fields;
    const records: WriteRecord[] = [after];
    if (fields['Start'] !== '') records.push({ ...after, entity: 'appointment' });
    const vendorStatus = fields['Status'] ?? status;
    return {
      records,
      result: {
        jobId: idOf(ctx, 'job', job.externalId),
        status: CANONICAL[vendorStatus] ?? 'unscheduled',
        vendorStatus,
      },
    };
  },
});
