import { defineWrite, VendorWriteError } from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import { jobberMapper } from '../jobber.mapper';
import { commandFields } from './write-errors.util';
import { readJob } from './write-readback.util';
import { idOf } from './write-values.util';

/*
 * job.status.update → `jobClose`: the one status change Jobber's API makes. Any other status is refused
 * (unsupported, naming `status`). `jobClose` closes the whole job now and takes no visit, no completion
 * time, no reason and no note, so those fields are not carried.
 */

export const jobStatusUpdateWrite = defineWrite('job.status.update', {
  carries: ['jobId', 'status'],

  // Naturally idempotent: closing a closed job is not sent again.
  async execute(ctx, command) {
    const p = command.payload;
    if (p.status !== 'completed') {
      throw new VendorWriteError(
        'unsupported',
        `Jobber's API cannot set a job to ${p.status}: it only closes jobs (jobClose)`,
        { field: 'payload.status' },
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    let read = await readJob(ctx, job.externalId);
    if (read.job.completedAt === null) {
      await jobberMutate(
        ctx,
        'FieldsyncJobClose',
        `mutation FieldsyncJobClose($jobId: EncodedId!) {
          jobClose(jobId: $jobId) { job { id } userErrors { message path } }
        }`,
        { jobId: job.externalId },
        'jobClose',
        { fieldOf: commandFields({ jobId: 'payload.jobId' }) },
      );
      read = await readJob(ctx, job.externalId);
    }
    const [primary] = read.records;
    if (primary === undefined) throw new VendorWriteError('not_found', 'the job is gone after jobClose');
    const canonical = jobberMapper.toCanonical(primary, ctx) as { status: string };
    return {
      records: read.records,
      result: {
        jobId: idOf(ctx, 'job', read.job.id),
        status: canonical.status,
        vendorStatus: read.job.jobStatus,
      },
    };
  },
});
