import { VendorWriteError, defineWrite, type WriteContext } from '@fieldsync/connector-kit';
import { ServiceTitanClient } from '../servicetitan.client';
import { servicetitanEstimateSchema } from '../servicetitan.schemas';
import { readLookup } from './write-lookups.util';
import { estimateRecord, parseRow, readEstimate } from './write-readback.util';
import { cid, resolveId } from './write-values.util';

/*
 * quote.convert → sales `Estimates_Sell` ({ soldBy }: the tenant's first active employee, else
 * technician). A ServiceTitan estimate already belongs to its job, so selling it is the conversion: the
 * result names that job. Selling a sold estimate is not repeated (naturally idempotent: no `find`).
 *
 * Not carried, so refused by name: optionExternalId (an estimate made through the API is one option),
 * appointment and technicianIds (the estimate's job is already booked: schedule it with job.dispatch).
 */

const client = new ServiceTitanClient();

/** The employee an estimate is sold as: ServiceTitan requires one. */
async function seller(ctx: WriteContext): Promise<number> {
  const employees = await readLookup(ctx, 'settings', 'employees');
  const soldBy = employees[0]?.id ?? (await readLookup(ctx, 'settings', 'technicians'))[0]?.id;
  if (soldBy === undefined) {
    throw new VendorWriteError('vendor_rejected', 'ServiceTitan has no active employee to sell as');
  }
  return soldBy;
}

export const quoteConvertWrite = defineWrite('quote.convert', {
  carries: ['estimateId'],

  async execute(ctx, command) {
    const id = await resolveId(ctx, command.payload.estimateId, 'payload.estimateId');
    let estimate = await readEstimate(ctx, id);
    if (estimate.status.name !== 'Sold') {
      const sold = await client.put(
        ctx,
        'sales',
        `estimates/${id}/sell`,
        { soldBy: await seller(ctx) },
        { status: 'payload.estimateId', soldBy: 'payload.estimateId' },
      );
      estimate = parseRow(servicetitanEstimateSchema, sold, `estimate ${id}`);
    }
    if (estimate.jobId === null) throw new Error(`ServiceTitan estimate ${id}: sold without a job`);
    return {
      records: [await estimateRecord(ctx, estimate)],
      result: { estimateId: cid(ctx, 'estimate', estimate.id), jobId: cid(ctx, 'job', estimate.jobId) },
    };
  },
});
