import {
  defineWrite,
  MARKER_PATTERN,
  VendorWriteError,
  withMarker,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { bookingsIn, resolveTechnicians } from './write-bookings.util';
import { createJob, jobWithMarker, scheduling } from './write-job.util';
import { readJob, readNode, readQuote } from './write-readback.util';
import { idOf, windowOf } from './write-values.util';

/*
 * quote.convert → `jobCreate` with the quote's id (Jobber converts a quote by making its job, at the
 * quote's property, with the quote's title), scheduled and crewed when the command gives a window.
 * The job's instructions carry the command's marker (how `find` knows the conversion). Jobber quotes have
 * no options to choose from; the arrival window has no input here.
 */

async function convertOutcome(
  ctx: WriteContext,
  quoteId: string,
  jobId: string,
): Promise<WriteOutcome<'quote.convert'>> {
  const job = await readJob(ctx, jobId);
  const { record } = await readQuote(ctx, quoteId);
  return {
    records: [...job.records, record],
    result: { estimateId: idOf(ctx, 'estimate', quoteId), jobId: idOf(ctx, 'job', jobId) },
  };
}

export const quoteConvertWrite = defineWrite('quote.convert', {
  carries: [
    'estimateId',
    'appointment.scheduledStart',
    'appointment.scheduledEnd',
    'appointment.durationMinutes',
    'technicianIds',
  ],

  // The quote's converted job: a job linked to the quote that carries the command's marker.
  async find(ctx, command) {
    const quote = await ctx.resolve(command.payload.estimateId, 'payload.estimateId');
    const jobId = await jobWithMarker(ctx, quote.externalId);
    return jobId === undefined ? null : convertOutcome(ctx, quote.externalId, jobId);
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.technicianIds?.length && p.appointment === undefined) {
      throw new VendorWriteError('validation_failed', 'technicianIds need an appointment window', {
        field: 'payload.appointment',
      });
    }
    const resolved = await ctx.resolve(p.estimateId, 'payload.estimateId');
    const quote = (await readNode(ctx, 'quote', resolved.externalId, [
      'id',
      'title',
      { name: 'property', fields: ['id'] },
    ])) as { title?: string | null; property?: { id?: string } | null } | null;
    const propertyId = quote?.property?.id;
    if (typeof propertyId !== 'string') {
      throw new VendorWriteError('not_found', 'the quote is gone or has no property', {
        field: 'payload.estimateId',
      });
    }
    const input: Record<string, unknown> = {
      propertyId,
      quoteId: resolved.externalId,
      instructions: withMarker(null, ctx.marker),
      // The job takes the quote's title, without the quote command's marker (it is not this command's).
      ...(quote?.title ? { title: quote.title.replace(MARKER_PATTERN, '').trim() } : {}),
    };
    const schedule = await scheduling(ctx, p.appointment, p.technicianIds);
    if (schedule) input['scheduling'] = schedule;
    const jobId = await createJob(ctx, input);
    return convertOutcome(ctx, resolved.externalId, jobId);
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined || !p.technicianIds?.length) return [];
    const users = await resolveTechnicians(ctx, p.technicianIds, 'payload.technicianIds');
    return bookingsIn(ctx, windowOf(p.appointment), users, undefined);
  },
});
