import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord, WriteContext } from '@fieldsync/connector-kit';
import { z } from 'zod';
import type { ServiceTitanClient } from './servicetitan.client';
import { listAll } from './servicetitan.readers';
import {
  servicetitanAppointmentListRowSchema,
  servicetitanAppointmentRecordSchema,
  servicetitanAssignmentListRowSchema,
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanEstimateRecordSchema,
  servicetitanEstimateSchema,
  servicetitanInvoiceSchema,
  servicetitanJobSchema,
  servicetitanLocationSchema,
  servicetitanNamedLookupSchema,
  servicetitanPaymentSchema,
  type ServiceTitanAppointment,
  type ServiceTitanAssignment,
  type ServiceTitanEstimate,
  type ServiceTitanInvoice,
  type ServiceTitanJob,
  type ServiceTitanNamedLookup,
  type ServiceTitanPayment,
} from './servicetitan.schemas';

/*
 * Read-backs for the write side: the records a write made, read from the transactional API and
 * validated with the read side's wire schemas, so the writer's mapper accepts them and the canonical
 * store holds what the next export would give. The transactional lists show live rows only and some
 * carry no `active` (jobs, invoices, payments, contacts): a row they show is active.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

export { listAll };

/** A row that must fit its wire schema: a write that cannot read back what it made is not done. */
export function parseRow<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`ServiceTitan ${what}: the row read back does not fit the wire schema (${detail})`);
  }
  return parsed.data;
}

const withActive = (raw: unknown): unknown =>
  raw !== null && typeof raw === 'object' ? { active: true, ...(raw as Record<string, unknown>) } : raw;

export function record(entity: EntityType, id: number, raw: unknown): WriteRecord {
  return { kind: 'record', entity, externalId: String(id), raw, deleted: false };
}

export async function readJob(
  client: ServiceTitanClient,
  ctx: WriteContext,
  id: number,
): Promise<ServiceTitanJob> {
  return parseRow(servicetitanJobSchema, withActive(await client.get(ctx, 'jpm', `jobs/${id}`)), `job ${id}`);
}

export async function readAppointments(
  client: ServiceTitanClient,
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanAppointment[]> {
  const rows = await listAll(client, ctx, 'jpm', 'appointments', query);
  return rows.map((raw) => parseRow(servicetitanAppointmentListRowSchema, raw, 'appointment'));
}

export async function readAssignments(
  client: ServiceTitanClient,
  ctx: WriteContext,
  appointmentIds: readonly number[],
): Promise<ServiceTitanAssignment[]> {
  if (appointmentIds.length === 0) return [];
  const out: ServiceTitanAssignment[] = [];
  for (let i = 0; i < appointmentIds.length; i += 50) {
    const chunk = appointmentIds.slice(i, i + 50);
    const rows = await listAll(client, ctx, 'dispatch', 'appointment-assignments', {
      appointmentIds: chunk.join(','),
    });
    out.push(...rows.map((raw) => parseRow(servicetitanAssignmentListRowSchema, raw, 'assignment')));
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Appointment records as the appointment readers build them: the row and its current assignments. */
export async function appointmentRecords(
  client: ServiceTitanClient,
  ctx: WriteContext,
  appointments: readonly ServiceTitanAppointment[],
): Promise<WriteRecord[]> {
  const assignments = await readAssignments(
    client,
    ctx,
    appointments.map((a) => a.id),
  );
  return appointments.map((appointment) =>
    record(
      'appointment',
      appointment.id,
      parseRow(
        servicetitanAppointmentRecordSchema,
        { appointment, assignments: assignments.filter((a) => a.appointmentId === appointment.id) },
        `appointment ${appointment.id}`,
      ),
    ),
  );
}

/** A job and its live appointments (with technicians), job first. */
export async function jobRecords(
  client: ServiceTitanClient,
  ctx: WriteContext,
  jobId: number,
): Promise<{ job: ServiceTitanJob; appointments: ServiceTitanAppointment[]; records: WriteRecord[] }> {
  const job = await readJob(client, ctx, jobId);
  const appointments = (await readAppointments(client, ctx, { jobId: String(jobId) })).sort(
    (a, b) => a.start.localeCompare(b.start) || a.id - b.id,
  );
  return {
    job,
    appointments,
    records: [record('job', job.id, job), ...(await appointmentRecords(client, ctx, appointments))],
  };
}

/** The customer alone, as it is now (an invoice or a payment moves its balance). */
export async function customerRecord(
  client: ServiceTitanClient,
  ctx: WriteContext,
  customerId: number,
): Promise<WriteRecord> {
  const customer = parseRow(
    servicetitanCustomerSchema,
    await client.get(ctx, 'crm', `customers/${customerId}`),
    `customer ${customerId}`,
  );
  return record('customer', customer.id, customer);
}

/** A customer with its locations and contacts, customer first. */
export async function customerRecords(
  client: ServiceTitanClient,
  ctx: WriteContext,
  customerId: number,
): Promise<{ records: WriteRecord[]; locationIds: number[] }> {
  const customerRow = await customerRecord(client, ctx, customerId);
  const customer = customerRow.raw as z.infer<typeof servicetitanCustomerSchema>;
  const locations = (
    await listAll(client, ctx, 'crm', 'locations', { customerId: String(customerId), active: 'Any' })
  ).map((raw) => parseRow(servicetitanLocationSchema, raw, 'location'));
  // The contacts list has no customer filter: the customer's contacts changed since it was created.
  const contacts = (
    await listAll(client, ctx, 'crm', 'customers/contacts', { modifiedOnOrAfter: customer.createdOn })
  )
    .map((raw) => parseRow(servicetitanContactSchema, withActive(raw), 'contact'))
    .filter((c) => c.customerId === customerId);
  return {
    records: [
      customerRow,
      ...locations.map((l) => record('location', l.id, l)),
      ...contacts.map((c) => record('contact', c.id, c)),
    ],
    locationIds: locations.map((l) => l.id),
  };
}

export async function estimateRecord(
  client: ServiceTitanClient,
  ctx: WriteContext,
  estimate: ServiceTitanEstimate,
): Promise<WriteRecord> {
  const job = estimate.jobId === null ? null : await readJob(client, ctx, estimate.jobId);
  const raw = {
    estimate,
    job: job === null ? null : { id: job.id, customerId: job.customerId, locationId: job.locationId },
  };
  return record(
    'estimate',
    estimate.id,
    parseRow(servicetitanEstimateRecordSchema, raw, `estimate ${estimate.id}`),
  );
}

export async function readEstimate(
  client: ServiceTitanClient,
  ctx: WriteContext,
  id: number,
): Promise<ServiceTitanEstimate> {
  return parseRow(
    servicetitanEstimateSchema,
    await client.get(ctx, 'sales', `estimates/${id}`),
    `estimate ${id}`,
  );
}

export async function readInvoices(
  client: ServiceTitanClient,
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanInvoice[]> {
  return (await listAll(client, ctx, 'accounting', 'invoices', query)).map((raw) =>
    parseRow(servicetitanInvoiceSchema, withActive(raw), 'invoice'),
  );
}

export async function readInvoice(
  client: ServiceTitanClient,
  ctx: WriteContext,
  id: number,
): Promise<ServiceTitanInvoice> {
  const [invoice] = await readInvoices(client, ctx, { ids: String(id) });
  if (!invoice) throw new Error(`ServiceTitan invoice ${id}: not in the invoices list after the write`);
  return invoice;
}

export async function readPayments(
  client: ServiceTitanClient,
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanPayment[]> {
  return (await listAll(client, ctx, 'accounting', 'payments', query)).map((raw) =>
    parseRow(servicetitanPaymentSchema, withActive(raw), 'payment'),
  );
}

/** A settings list (business units, job types, …), active rows first in id order. */
export async function readLookup(
  client: ServiceTitanClient,
  ctx: WriteContext,
  module: string,
  resource: string,
): Promise<ServiceTitanNamedLookup[]> {
  return (await listAll(client, ctx, module, resource, {}))
    .map((raw) => parseRow(servicetitanNamedLookupSchema, raw, resource))
    .filter((row) => row.active !== false)
    .sort((a, b) => a.id - b.id);
}
