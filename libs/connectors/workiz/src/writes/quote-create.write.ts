import { defineWrite, findMarker, VendorWriteError, type WriteContext } from '@fieldsync/connector-kit';
import { Money } from '@fieldsync/canonical-model';
import { workizClient } from '../workiz.readers';
import { workizEstimateSchema, workizJobRecordSchema, type WorkizEstimate } from '../workiz.schemas';
import { unsupported, vendorCall } from './write-errors.util';
import { LINE_CARRIES, workizLines } from './write-lines.util';
import { newestRows, webRecord, type WebList } from './write-readback.util';
import { checkSubtotal, expectedSubtotal } from './write-totals.util';
import { idOf } from './write-values.util';

/*
 * quote.create → the web app's `POST /ajaxc/estimates/create/` (the Developer API has no estimates): an
 * estimate on a job (Workiz's estimates belong to a job: `jobId` is needed, and the customer must be the
 * job's), one option with the command's lines, named by the title with the command's marker (`find` looks
 * for it among the newest estimates). Workiz's estimate has no tax, discount, expiry, notes, sending or
 * attachments: those fields are not carried. Workiz's subtotal is checked against the command's.
 */

const ESTIMATES: WebList = { path: '/ajaxc/estimates/list/', key: 'estimates', idField: 'estimate_id' };

function outcome(ctx: WriteContext, e: WorkizEstimate) {
  return {
    records: [webRecord('estimate', workizEstimateSchema, e, String(e.estimate_id))],
    result: {
      estimateId: idOf(ctx, 'estimate', String(e.estimate_id)),
      number: null,
      currency: 'USD',
      total: Money.parse(e.total, 'USD').toAmount(),
    },
  };
}

export const quoteCreateWrite = defineWrite('quote.create', {
  carries: ['customerId', 'jobId', 'title', 'currency', ...LINE_CARRIES],

  async find(ctx) {
    for (const row of (await newestRows(ctx, ESTIMATES)).reverse()) {
      const e = workizEstimateSchema.safeParse(row);
      if (e.success && findMarker(e.data.name) === ctx.marker) return outcome(ctx, e.data);
    }
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.jobId === undefined)
      throw unsupported('payload.jobId', 'keeps every estimate on a job: give jobId');
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const client = workizJobRecordSchema.parse(job.raw).job.ClientId;
    if (idOf(ctx, 'customer', String(client)) !== p.customerId) {
      throw new VendorWriteError('vendor_rejected', "Workiz keeps an estimate with its job's client", {
        field: 'payload.customerId',
      });
    }
    const items = await workizLines(ctx, p.lineItems, p.currency);
    const body = {
      job_uuid: job.externalId,
      name: `${(p.title ?? 'Estimate').trim()} (${ctx.marker})`,
      options: [{ name: 'Option 1', items }],
    };
    const answer = await vendorCall(
      'ajaxc/estimates/create',
      { job_uuid: 'payload.jobId', name: 'payload.title' },
      () => workizClient.webPost(ctx, '/ajaxc/estimates/create/', body),
    );
    const estimate = workizEstimateSchema.parse((answer as { estimate?: unknown }).estimate);
    checkSubtotal('estimate', estimate.total, expectedSubtotal(p), p.currency);
    return outcome(ctx, estimate);
  },
});
