import type { Address, CommandOf } from '@fieldsync/canonical-model';
import { defineWrite, VendorWriteError, withMarker, type WriteContext } from '@fieldsync/connector-kit';
import { bookingsIn, resolveTechnicians } from './write-bookings.util';
import { commandFields } from './write-errors.util';
import { createJob, jobResult, jobWithMarker, scheduling } from './write-job.util';
import { createProperties } from './write-property.util';
import { readClient, readJob } from './write-readback.util';
import { assertCurrency, sameAddress, windowOf } from './write-values.util';

/*
 * job.create → `jobCreate` (JobCreateAttributes: property, title, instructions, scheduling with the crew),
 * after `propertyCreate` when the job is at a service address the client has no property for yet.
 *
 * The description goes into the job's instructions with the command's marker after it: that is how `find`
 * knows the job. Jobber makes one-off jobs through this input, so the command's `jobType` is honoured as
 * Jobber's ONE_OFF only. Jobber's jobs have no priority, source, business unit or tags; the arrival window,
 * line items, custom fields and notes Jobber's own API takes are not modelled here (refused by name).
 * `allowOverlap` is honoured by the writer's conflict check (`bookings`), `currency` by the account's.
 */

type Payload = CommandOf<'job.create'>['payload'];

/** The job types Jobber's jobCreate makes (its `jobType` enum as the mapper reads it). */
const ONE_OFF = 'ONE_OFF';

/** The property of a new job: the location given, or one at the service address (made once). */
async function propertyFor(ctx: WriteContext, p: Payload, clientId: string): Promise<string> {
  if (p.locationId !== undefined) {
    const location = await ctx.resolve(p.locationId, 'payload.locationId');
    const owner = (location.document as { customerId?: string }).customerId;
    if (owner !== undefined && owner !== p.customerId) {
      throw new VendorWriteError('validation_failed', 'the location belongs to another customer', {
        field: 'payload.locationId',
      });
    }
    return location.externalId;
  }
  const address = p.serviceAddress as Address;
  // A retry after a crash between propertyCreate and jobCreate finds the property made the first time.
  const existing = (await readClient(ctx, clientId)).properties.find((prop) => sameAddress(prop, address));
  if (existing) return existing.id;
  const [created] = await createProperties(
    ctx,
    clientId,
    [address],
    commandFields({ clientId: 'payload.customerId', input: 'payload.serviceAddress' }),
  );
  return created as string;
}

export const jobCreateWrite = defineWrite('job.create', {
  carries: [
    'customerId',
    'locationId',
    'serviceAddress',
    'title',
    'description',
    'jobType',
    'appointment.scheduledStart',
    'appointment.scheduledEnd',
    'appointment.durationMinutes',
    'technicianIds',
    'allowOverlap',
    'currency',
  ],

  async find(ctx) {
    const jobId = await jobWithMarker(ctx);
    if (jobId === undefined) return null;
    const read = await readJob(ctx, jobId);
    return { records: read.records, result: jobResult(ctx, read) };
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.currency !== undefined) assertCurrency(p.currency);
    if (p.jobType !== undefined && p.jobType !== ONE_OFF) {
      throw new VendorWriteError(
        'unsupported',
        `Jobber's jobCreate makes ${ONE_OFF} jobs; the command asks for ${p.jobType}`,
        { field: 'payload.jobType' },
      );
    }
    const client = await ctx.resolve(p.customerId, 'payload.customerId');
    const propertyId = await propertyFor(ctx, p, client.externalId);
    const input: Record<string, unknown> = {
      propertyId,
      title: p.title,
      instructions: withMarker(p.description ?? null, ctx.marker),
    };
    const schedule = await scheduling(ctx, p.appointment, p.technicianIds);
    if (schedule) input['scheduling'] = schedule;
    const jobId = await createJob(ctx, input);
    const read = await readJob(ctx, jobId);
    return { records: read.records, result: jobResult(ctx, read) };
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined || !p.technicianIds?.length) return [];
    const users = await resolveTechnicians(ctx, p.technicianIds, 'payload.technicianIds');
    return bookingsIn(ctx, windowOf(p.appointment), users, undefined);
  },
});
