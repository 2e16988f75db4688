import type { CommandOf, CommandType, EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord, WriteContext, WriteOutcome } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { ServiceTitanClient } from '../servicetitan.client';
import { jobRecordRaw, listTagTypes } from '../servicetitan-job-record.util';
import { MAX_IDS_PER_CALL, chunks, listAll } from '../servicetitan-list.util';
import {
  servicetitanAppointmentListRowSchema,
  servicetitanAppointmentRecordSchema,
  servicetitanAssignmentListRowSchema,
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanEstimateRecordSchema,
  servicetitanEstimateSchema,
  servicetitanInvoiceSchema,
  servicetitanJobRecordSchema,
  servicetitanJobSchema,
  servicetitanLocationSchema,
  servicetitanPaymentSchema,
  type ServiceTitanAppointment,
  type ServiceTitanAssignment,
  type ServiceTitanEstimate,
  type ServiceTitanInvoice,
  type ServiceTitanJob,
  type ServiceTitanPayment,
} from '../servicetitan.schemas';
import { cid, major, minor } from './write-values.util';

/*
 * Read-backs for the write side: the records a write made, read from the transactional API and
 * validated with the read side's wire schemas (and built as the readers build them: appointments with
 * their assignments, estimates with their job, jobs with their tag types), so the writer's mapper
 * accepts them and the canonical store holds what the next export would give. The transactional lists
 * show live rows only and some carry no `active` (jobs, invoices, payments, contacts): a row they show
 * is active. The `readBack*` functions are the outcomes of the writes, shared by `find` and `execute`.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;

const client = new ServiceTitanClient();

/** A row that must fit its wire schema: a write that cannot read back what it made is not done. */
export function parseRow<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`ServiceTitan ${what}: the row read back does not fit the wire schema (${detail})`);
  }
  return parsed.data;
}

const withActive = (raw: unknown): unknown =>
  raw !== null && typeof raw === 'object' ? { active: true, ...(raw as Record<string, unknown>) } : raw;

export function record(entity: EntityType, id: number, raw: unknown): WriteRecord {
  return { kind: 'record', entity, externalId: String(id), raw, deleted: false };
}

export async function readJob(ctx: WriteContext, id: number): Promise<ServiceTitanJob> {
  return parseRow(servicetitanJobSchema, withActive(await client.get(ctx, 'jpm', `jobs/${id}`)), `job ${id}`);
}

/** The job as the jobs reader yields it: the row and the tag types it names. */
export async function jobRecord(ctx: WriteContext, job: ServiceTitanJob): Promise<WriteRecord> {
  const tagTypes = job.tagTypeIds.length > 0 ? await listTagTypes(client, ctx) : [];
  return record(
    'job',
    job.id,
    parseRow(servicetitanJobRecordSchema, jobRecordRaw(job, tagTypes), `job ${job.id}`),
  );
}

export async function readAppointments(
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanAppointment[]> {
  const rows = await listAll(client, ctx, 'jpm', 'appointments', query);
  return rows.map((raw) => parseRow(servicetitanAppointmentListRowSchema, raw, 'appointment'));
}

export async function readAssignments(
  ctx: WriteContext,
  appointmentIds: readonly number[],
): Promise<ServiceTitanAssignment[]> {
  const out: ServiceTitanAssignment[] = [];
  for (const chunk of chunks(appointmentIds, MAX_IDS_PER_CALL)) {
    const rows = await listAll(client, ctx, 'dispatch', 'appointment-assignments', {
      appointmentIds: chunk.join(','),
    });
    out.push(...rows.map((raw) => parseRow(servicetitanAssignmentListRowSchema, raw, 'assignment')));
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Appointment records as the appointment readers build them: the row and its current assignments. */
export async function appointmentRecords(
  ctx: WriteContext,
  appointments: readonly ServiceTitanAppointment[],
): Promise<WriteRecord[]> {
  const assignments = await readAssignments(
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
  ctx: WriteContext,
  jobId: number,
): Promise<{ job: ServiceTitanJob; appointments: ServiceTitanAppointment[]; records: WriteRecord[] }> {
  const job = await readJob(ctx, jobId);
  const appointments = (await readAppointments(ctx, { jobId: String(jobId) })).sort(
    (a, b) => a.start.localeCompare(b.start) || a.id - b.id,
  );
  return {
    job,
    appointments,
    records: [await jobRecord(ctx, job), ...(await appointmentRecords(ctx, appointments))],
  };
}

/** The customer alone, as it is now (an invoice or a payment moves its balance). */
export async function customerRecord(ctx: WriteContext, customerId: number): Promise<WriteRecord> {
  const customer = parseRow(
    servicetitanCustomerSchema,
    await client.get(ctx, 'crm', `customers/${customerId}`),
    `customer ${customerId}`,
  );
  return record('customer', customer.id, customer);
}

/** A customer with its locations and contacts, customer first. */
async function customerRecords(
  ctx: WriteContext,
  customerId: number,
): Promise<{ records: WriteRecord[]; locationIds: number[] }> {
  const customerRow = await customerRecord(ctx, customerId);
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

/** An estimate as the estimates reader yields it: the row and its job's customer and location. */
export async function estimateRecord(
  ctx: WriteContext,
  estimate: ServiceTitanEstimate,
): Promise<WriteRecord> {
  const job = estimate.jobId === null ? null : await readJob(ctx, estimate.jobId);
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

export async function readEstimate(ctx: WriteContext, id: number): Promise<ServiceTitanEstimate> {
  return parseRow(
    servicetitanEstimateSchema,
    await client.get(ctx, 'sales', `estimates/${id}`),
    `estimate ${id}`,
  );
}

export async function readInvoices(
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanInvoice[]> {
  return (await listAll(client, ctx, 'accounting', 'invoices', query)).map((raw) =>
    parseRow(servicetitanInvoiceSchema, withActive(raw), 'invoice'),
  );
}

export async function readInvoice(ctx: WriteContext, id: number): Promise<ServiceTitanInvoice> {
  const [invoice] = await readInvoices(ctx, { ids: String(id) });
  if (!invoice) throw new Error(`ServiceTitan invoice ${id}: not in the invoices list after the write`);
  return invoice;
}

export async function readPayments(
  ctx: WriteContext,
  query: Record<string, string>,
): Promise<ServiceTitanPayment[]> {
  return (await listAll(client, ctx, 'accounting', 'payments', query)).map((raw) =>
    parseRow(servicetitanPaymentSchema, withActive(raw), 'payment'),
  );
}

// ------------------------------------------------------------------ the writes' outcomes

const outcome = <T extends CommandType>(
  records: WriteRecord[],
  result: Record<string, unknown>,
): WriteOutcome<T> => ({
  records,
  result,
});

export async function readBackCustomer(
  ctx: WriteContext,
  id: number,
): Promise<WriteOutcome<'client.create'>> {
  const { records, locationIds } = await customerRecords(ctx, id);
  return outcome(records, {
    customerId: cid(ctx, 'customer', id),
    locationIds: locationIds.map((l) => cid(ctx, 'location', l)),
  });
}

export async function readBackJob(ctx: WriteContext, jobId: number): Promise<WriteOutcome<'job.create'>> {
  const { job, appointments, records } = await jobRecords(ctx, jobId);
  const first = appointments[0];
  return outcome(records, {
    jobId: cid(ctx, 'job', job.id),
    appointmentId: first ? cid(ctx, 'appointment', first.id) : null,
    number: job.jobNumber,
  });
}

/** An estimate with its job (quote.create, quote.convert); `total` is its items' (estimates show no tax). */
export async function readBackEstimate(
  ctx: WriteContext,
  estimate: ServiceTitanEstimate,
  currency: string,
): Promise<{ record: WriteRecord; total: number }> {
  // Estimate amounts are decimal numbers (dollars): sum them in minor units.
  const total = estimate.items.reduce((sum, item) => sum + minor(item.total, currency), 0);
  return { record: await estimateRecord(ctx, estimate), total: major(total, currency) };
}

/** The invoice and its customer (an invoice raises the customer's balance), invoice first. */
export async function readBackInvoice(
  ctx: WriteContext,
  command: CommandOf<'invoice.create'>,
  id: number,
): Promise<WriteOutcome<'invoice.create'>> {
  const invoice = await readInvoice(ctx, id);
  const { currency } = command.payload;
  const customer = await customerRecord(ctx, invoice.customer.id);
  return outcome([record('invoice', invoice.id, invoice), customer], {
    invoiceId: cid(ctx, 'invoice', invoice.id),
    number: invoice.referenceNumber,
    currency,
    total: major(minor(invoice.total, currency), currency),
    balance: major(minor(invoice.balance, currency), currency),
  });
}

/** The payment, the invoice it paid and their customer, payment first. */
export async function readBackPayment(
  ctx: WriteContext,
  command: CommandOf<'payment.record'>,
  id: number,
  invoiceId: number,
): Promise<WriteOutcome<'payment.record'>> {
  const [payment] = await readPayments(ctx, { ids: String(id) });
  if (!payment) throw new Error(`ServiceTitan payment ${id}: not in the payments list after the write`);
  const invoice = await readInvoice(ctx, invoiceId);
  const { currency } = command.payload;
  const applied = payment.appliedTo
    .filter((a) => a.appliedTo === invoiceId)
    .reduce((sum, a) => sum + minor(a.appliedAmount, currency), 0);
  const customer = await customerRecord(ctx, invoice.customer.id);
  return outcome([record('payment', payment.id, payment), record('invoice', invoice.id, invoice), customer], {
    paymentId: cid(ctx, 'payment', payment.id),
    invoiceId: cid(ctx, 'invoice', invoice.id),
    status: payment.syncStatus,
    currency,
    amountApplied: major(applied, currency),
    balanceRemaining: major(minor(invoice.balance, currency), currency),
  });
}
