import type { CommandOf } from '@fieldsync/canonical-model';
import { VendorWriteError, defineWrite } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { readLookup } from './write-lookups.util';
import { jobRecords, readJob } from './write-readback.util';
import { cid, resolveId, sameText } from './write-values.util';

/*
 * job.status.update → jpm `Jobs_Complete` ({ completedOn }: `occurredAt`, else now), `Jobs_Hold` and
 * `Jobs_Cancel` ({ reasonId, memo }: the tenant's hold or cancel reason named by `reason`, else its first
 * one, and `reason` and `note` as the memo). Setting a status is naturally idempotent: a redelivered
 * command finds it done and writes nothing, so there is no `find`.
 *
 * ServiceTitan's API sets no other job status (dispatched, en route, on site and in progress come from the
 * technician's mobile app): those are refused `unsupported` naming `payload.status`. A field a call has no
 * place for is refused by name too, before any call: `reason` and `note` on a completion, `occurredAt` on
 * a hold or cancellation. Not carried at all: appointmentId (these calls act on the whole job).
 */

const client = new ServiceTitanClient();

const STATUS_TARGET = { completed: 'Completed', on_hold: 'Hold', canceled: 'Canceled' } as const;
type Settable = keyof typeof STATUS_TARGET;

/** Vendor request field → command field, for ServiceTitan's refusals. */
const FIELDS = {
  jobStatus: 'payload.status',
  status: 'payload.status',
  reasonId: 'payload.reason',
  memo: 'payload.note',
  completedOn: 'payload.occurredAt',
} as const;

const isSettable = (status: string): status is Settable => status in STATUS_TARGET;

/** The fields this status's call cannot carry, refused before any call. */
function refuseUncarried(p: CommandOf<'job.status.update'>['payload'], status: Settable): void {
  const unused: (keyof typeof p)[] = status === 'completed' ? ['reason', 'note'] : ['occurredAt'];
  const present = unused.find((field) => p[field] !== undefined);
  if (present !== undefined) {
    throw new VendorWriteError(
      'unsupported',
      `ServiceTitan's ${STATUS_TARGET[status]} call has no ${present}`,
      {
        field: `payload.${present}`,
      },
    );
  }
}

export const jobStatusUpdateWrite = defineWrite('job.status.update', {
  carries: ['jobId', 'status', 'reason', 'occurredAt', 'note'],

  async execute(ctx, command) {
    const p = command.payload;
    if (!isSettable(p.status)) {
      throw new VendorWriteError(
        'unsupported',
        `ServiceTitan sets ${p.status} from the technician's mobile app; its API has no call for it`,
        { field: 'payload.status' },
      );
    }
    const status = p.status;
    refuseUncarried(p, status);
    const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
    const before = await readJob(ctx, jobId);
    if (before.jobStatus !== STATUS_TARGET[status]) {
      if (status === 'completed') {
        await client.put(
          ctx,
          'jpm',
          `jobs/${jobId}/complete`,
          { completedOn: p.occurredAt ?? ctx.now().toISOString() },
          FIELDS,
        );
      } else {
        const resource = status === 'on_hold' ? 'job-hold-reasons' : 'job-cancel-reasons';
        const reasons = await readLookup(ctx, 'jpm', resource);
        const reason = reasons.find((r) => sameText(r.name, p.reason)) ?? reasons[0];
        if (!reason) {
          throw new VendorWriteError('vendor_rejected', `ServiceTitan has no active ${resource}`, {
            field: 'payload.reason',
          });
        }
        const memo = [p.reason, p.note].filter((s) => s !== undefined && s !== '').join('\n');
        await client.put(
          ctx,
          'jpm',
          `jobs/${jobId}/${status === 'on_hold' ? 'hold' : 'cancel'}`,
          { reasonId: reason.id, memo },
          FIELDS,
        );
      }
    }
    const { job, records } = await jobRecords(ctx, jobId);
    return {
      records,
      result: { jobId: cid(ctx, 'job', job.id), status: p.status, vendorStatus: job.jobStatus },
    };
  },
});
