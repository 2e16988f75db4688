import { Money, type Address, type CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  findMarker,
  VendorWriteError,
  withMarker,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import type { HousecallProJob } from '../housecallpro.schemas';
import { HOUSECALLPRO_CURRENCY } from '../mappers/mapping.util';
import { bookingsIn, resolveEmployees } from './write-bookings.util';
import { refusalsMapped } from './write-errors.util';
import { client, createdSince, readCustomer, readJob, type JobRead } from './write-readback.util';
import {
  arrivalMinutes,
  assertCurrency,
  hcpAddress,
  hcpTime,
  idOf,
  sameAddress,
  windowEnd,
} from './write-values.util';

/*
 * job.create → `POST /jobs` (JobCreate: customer_id, address_id, schedule {scheduled_start, scheduled_end,
 * arrival_window}, assigned_employee_ids, line_items, notes), after `POST /customers/{id}/addresses` when
 * the job is at a service address the customer has no address for yet.
 *
 * The v1 JobCreate has no description field (the job's `description` is set in the web app), so the
 * command's title and description go into the job's note, with the command's marker last: that note is
 * how `find` knows the job (exactly-once by marker, among the customer's jobs created since the first
 * attempt). Line items are LineItemCreate (name, description, unit_price in cents, quantity, taxable, kind
 * `labor`); a price-book item, a SKU or a tax code is not written (refused by name). The arrival window
 * opens at the scheduled start in Housecall Pro. Not carried (refused by name): a job type, business unit,
 * source, priority, tags and custom fields (the sandbox does not model job fields, lead sources or job tags
 * on create). `allowOverlap` is honoured by the writer's conflict check (`bookings`).
 */

type Payload = CommandOf<'job.create'>['payload'];

/** The note the job carries: the title, the description, the command's notes, then the marker. */
export function jobNote(parts: readonly (string | undefined)[], marker: string): string {
  return withMarker(
    parts
      .filter((s): s is string => s !== undefined && s.trim() !== '')
      .map((s) => s.trim())
      .join('\n\n'),
    marker,
  );
}

/** The job among `jobs` whose notes carry the command's marker. */
export function jobWithMarker(jobs: readonly Record<string, unknown>[], marker: string): string | undefined {
  const match = jobs.find((j) =>
    ((j['notes'] as { content?: unknown }[] | undefined) ?? []).some(
      (n) => typeof n.content === 'string' && findMarker(n.content) === marker,
    ),
  );
  return match ? (match['id'] as string) : undefined;
}

/** The result of a command that made a job: its ids and number, the first appointment. */
export function jobResult(ctx: WriteContext, job: HousecallProJob) {
  const first = job.schedule.appointments?.[0];
  return {
    jobId: idOf(ctx, 'job', job.id),
    appointmentId: first ? idOf(ctx, 'appointment', first.id) : null,
    number: job.invoice_number,
  };
}

export const jobOutcome = (ctx: WriteContext, read: JobRead): WriteOutcome<'job.create'> => ({
  records: read.records,
  result: jobResult(ctx, read.job),
});

/** The address of the job: the location given (the customer's), or a service address at `serviceAddress` (made once). */
async function addressFor(ctx: WriteContext, p: Payload, customerId: string): Promise<string> {
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
  // A retry after a crash between the two calls finds the address made the first time.
  const existing = (await readCustomer(ctx, customerId)).customer.addresses.find(
    (a) => a.type === 'service' && sameAddress(a, address),
  );
  if (existing) return existing.id;
  const field = 'payload.serviceAddress';
  const created = await refusalsMapped({ street: field, city: field, state: field, zip: field }, () =>
    client.send(
      ctx,
      'POST',
      `/customers/${encodeURIComponent(customerId)}/addresses`,
      hcpAddress(address, field),
    ),
  );
  return (created as { id: string }).id;
}

/** The command's line items as LineItemCreate (cents). */
export function lineItems(p: {
  lineItems?: Payload['lineItems'];
  currency?: string;
}): Record<string, unknown>[] {
  return (p.lineItems ?? []).map((li) => ({
    name: li.name ?? li.description,
    ...(li.name !== undefined && li.description !== '' ? { description: li.description } : {}),
    unit_price: Money.fromAmount(li.unitPrice, p.currency ?? HOUSECALLPRO_CURRENCY).amountMinor,
    quantity: li.quantity,
    kind: 'labor',
    ...(li.taxable === undefined ? {} : { taxable: li.taxable }),
  }));
}

export const jobCreateWrite = defineWrite('job.create', {
  carries: [
    'customerId',
    'locationId',
    'serviceAddress',
    'title',
    'description',
    'notes',
    'appointment.scheduledStart',
    'appointment.scheduledEnd',
    'appointment.durationMinutes',
    'appointment.arrivalWindowStart',
    'appointment.arrivalWindowEnd',
    'technicianIds',
    'allowOverlap',
    'currency',
    'lineItems[].name',
    'lineItems[].description',
    'lineItems[].quantity',
    'lineItems[].unitPrice',
    'lineItems[].taxable',
  ],

  async find(ctx, command) {
    const customer = await ctx.resolve(command.payload.customerId, 'payload.customerId');
    const jobs = await createdSince(ctx, '/jobs', 'jobs', { customer_id: customer.externalId });
    const jobId = jobWithMarker(jobs, ctx.marker);
    return jobId === undefined ? null : jobOutcome(ctx, await readJob(ctx, jobId));
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.currency !== undefined) assertCurrency(p.currency);
    const customer = await ctx.resolve(p.customerId, 'payload.customerId');
    const addressId = await addressFor(ctx, p, customer.externalId);
    const employees = await resolveEmployees(ctx, p.technicianIds ?? [], 'payload.technicianIds');
    const body: Record<string, unknown> = {
      customer_id: customer.externalId,
      address_id: addressId,
      notes: jobNote([p.title, p.description, p.notes], ctx.marker),
    };
    if (p.appointment) {
      const arrival = arrivalMinutes(p.appointment, 'payload.appointment');
      body['schedule'] = {
        scheduled_start: hcpTime(p.appointment.scheduledStart),
        scheduled_end: windowEnd(p.appointment),
        ...(arrival === undefined ? {} : { arrival_window: arrival }),
      };
    }
    if (employees.length > 0) body['assigned_employee_ids'] = employees;
    const items = lineItems(p);
    if (items.length > 0) body['line_items'] = items;
    const created = await refusalsMapped(
      {
        customer_id: 'payload.customerId',
        address_id: p.locationId === undefined ? 'payload.serviceAddress' : 'payload.locationId',
        schedule: 'payload.appointment',
        scheduled_start: 'payload.appointment.scheduledStart',
        scheduled_end: 'payload.appointment.scheduledEnd',
        assigned_employee_ids: 'payload.technicianIds',
        line_items: 'payload.lineItems',
        notes: 'payload.notes',
      },
      () => client.send(ctx, 'POST', '/jobs', body),
    );
    return jobOutcome(ctx, await readJob(ctx, (created as { id: string }).id));
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined || !p.technicianIds?.length) return [];
    const employees = await resolveEmployees(ctx, p.technicianIds, 'payload.technicianIds');
    return bookingsIn(
      ctx,
      { start: hcpTime(p.appointment.scheduledStart), end: windowEnd(p.appointment) },
      employees,
      undefined,
    );
  },
});
