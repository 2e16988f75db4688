import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  VendorWriteError,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import {
  housecallproJobSchema,
  housecallproPageSchema,
  type HousecallProEstimate,
} from '../housecallpro.schemas';
import { refusalsMapped } from './write-errors.util';
import { client, readEstimate, readJob, type WriteRecord } from './write-readback.util';
import { idOf } from './write-values.util';

/*
 * quote.convert → `POST /estimates/options/approve` (`option_ids`: the option), which copies the approved
 * estimate to a new job (`copied_on_approval_to_job_id`, the company's "copy an approved estimate to a new
 * job"); the estimate and the job (with its appointments) are read back. The option is
 * `optionExternalId`, else the estimate's only one (an estimate of several options needs it named).
 *
 * Exactly-once by natural key (documented): an estimate is approved once, and its job names it
 * (`original_estimate_id`), so `find` sees the option approved and looks for that job among the
 * customer's jobs. Not carried (refused by name): an appointment and technicians (the approval makes an
 * unscheduled job: schedule and dispatch it with job.dispatch).
 */

type Command = CommandOf<'quote.convert'>;

function optionOf(estimate: HousecallProEstimate, command: Command): string {
  const wanted = command.payload.optionExternalId;
  if (wanted !== undefined) {
    if (!estimate.options.some((o) => o.id === wanted)) {
      throw new VendorWriteError(
        'not_found',
        `estimate ${estimate.estimate_number} has no option ${wanted}`,
        {
          field: 'payload.optionExternalId',
        },
      );
    }
    return wanted;
  }
  const [only, ...more] = estimate.options;
  if (!only || more.length > 0) {
    throw new VendorWriteError(
      'validation_failed',
      `estimate ${estimate.estimate_number} has ${String(estimate.options.length)} options: name one`,
      {
        field: 'payload.optionExternalId',
      },
    );
  }
  return only.id;
}

/** The customer's job copied from the estimate (`original_estimate_id`), or undefined. */
async function jobOfEstimate(ctx: WriteContext, estimate: HousecallProEstimate): Promise<string | undefined> {
  for (let page = 1; page <= 20; page++) {
    const body = housecallproPageSchema.parse(
      await client.get(ctx, '/jobs', {
        customer_id: estimate.customer.id,
        page_size: '100',
        page: String(page),
      }),
    );
    for (const row of (body['jobs'] as unknown[] | undefined) ?? []) {
      const job = housecallproJobSchema.safeParse(row);
      if (job.success && job.data.original_estimate_id === estimate.id) return job.data.id;
    }
    if (page >= body.total_pages) return undefined;
  }
  return undefined;
}

async function outcome(
  ctx: WriteContext,
  estimateRecord: WriteRecord,
  estimateId: string,
  jobId: string,
): Promise<WriteOutcome<'quote.convert'>> {
  const job = await readJob(ctx, jobId);
  return {
    records: [estimateRecord, ...job.records],
    result: { estimateId: idOf(ctx, 'estimate', estimateId), jobId: idOf(ctx, 'job', job.job.id) },
  };
}

export const quoteConvertWrite = defineWrite('quote.convert', {
  carries: ['estimateId', 'optionExternalId'],

  async find(ctx, command) {
    const resolved = await ctx.resolve(command.payload.estimateId, 'payload.estimateId');
    const { estimate, record } = await readEstimate(ctx, resolved.externalId);
    const option = estimate.options.find((o) => o.id === optionOf(estimate, command));
    if (option?.approval_status !== 'approved') return null;
    const jobId = await jobOfEstimate(ctx, estimate);
    return jobId === undefined ? null : outcome(ctx, record, estimate.id, jobId);
  },

  async execute(ctx, command) {
    const resolved = await ctx.resolve(command.payload.estimateId, 'payload.estimateId');
    const before = await readEstimate(ctx, resolved.externalId);
    const optionId = optionOf(before.estimate, command);
    const answer = (await refusalsMapped({ option_ids: 'payload.optionExternalId' }, () =>
      client.send(ctx, 'POST', '/estimates/options/approve', { option_ids: [optionId] }),
    )) as { copied_on_approval_to_job_id?: unknown };
    const jobId = answer.copied_on_approval_to_job_id;
    if (typeof jobId !== 'string') {
      throw new VendorWriteError(
        'vendor_rejected',
        'Housecall Pro approved the option but copied it to no job (the company does not copy approved estimates to jobs)',
        {
          field: 'payload.estimateId',
        },
      );
    }
    const { estimate, record } = await readEstimate(ctx, resolved.externalId);
    return outcome(ctx, record, estimate.id, jobId);
  },
});
