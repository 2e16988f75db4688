import { APPOINTMENT_STATUSES, JOB_STATUSES } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { defineResource } from '../resource.types';
import {
  addressOf,
  addressSchema,
  amountSchema,
  dateField,
  dateOf,
  emailAddresses,
  phoneNumbers,
  provenance,
  provenanceShape,
  timeOf,
  timestampField,
} from './shared-fields.schema';

const jobItemSchema = z
  .strictObject({
    jobId: z.string(),
    number: z.string().nullable(),
    jobNumber: z.string().nullable().describe('Same as number'),
    title: z.string(),
    description: z.string().nullable(),
    status: z.enum(JOB_STATUSES),
    vendorStatus: z.string(),
    jobType: z.string().nullable(),
    clientId: z.string(),
    propertyId: z.string().nullable(),
    scheduledStart: timestampField.nullable(),
    scheduledEnd: timestampField.nullable(),
    schedule: z.strictObject({ startDate: dateField.nullable(), endDate: dateField.nullable() }),
    serviceAddress: addressSchema.nullable(),
    client: z
      .strictObject({
        id: z.string(),
        name: z.string(),
        phones: z.array(z.string()),
        emails: z.array(z.string()),
      })
      .nullable(),
    assignedTechnicians: z.array(z.strictObject({ userId: z.string(), name: z.string() })),
    visits: z.array(
      z.strictObject({
        visitId: z.string(),
        date: dateField.nullable(),
        startTime: z.string().nullable().describe('HH:MM, UTC'),
        endTime: z.string().nullable().describe('HH:MM, UTC'),
        assignedToUserIds: z.array(z.string()),
        status: z.enum(APPOINTMENT_STATUSES),
      }),
    ),
    priceSummary: z.strictObject({
      subtotal: amountSchema.nullable(),
      tax: amountSchema.nullable(),
      total: amountSchema.nullable(),
      amountCollected: amountSchema.nullable(),
      currency: z.string(),
    }),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    ...provenanceShape,
  })
  .meta({ id: 'Job' });

/** `GET /jobs`: jobs with their client, assigned technicians, visits and price summary. */
export const jobsResource = defineResource({
  name: 'jobs',
  entity: 'job',
  idField: 'jobId',
  summary: 'Jobs with client, assigned technicians, visits and price summary',
  item: jobItemSchema,
  filters: [
    'status',
    'technicianId',
    'assignedUserId',
    'fromDate',
    'toDate',
    'scheduledFrom',
    'scheduledTo',
    'updatedFrom',
    'updatedTo',
    'tag',
    'city',
    'region',
  ],
  statuses: JOB_STATUSES,
  dateColumn: 'scheduled_start',
  // not the line items, custom fields, balance … (a third of a typical job document)
  documentFields: [
    'id',
    'number',
    'title',
    'description',
    'status',
    'vendorStatus',
    'jobType',
    'customerId',
    'locationId',
    'scheduledStart',
    'scheduledEnd',
    'serviceAddress',
    'technicianIds',
    'subtotal',
    'tax',
    'total',
    'amountPaid',
    'currency',
    'notes',
    'tags',
    'connectionId',
    'vendor',
    'createdAt',
    'updatedAt',
  ],
  async project(jobs, related) {
    const [clients, technicians, visits] = await Promise.all([
      related.byId(
        'customer',
        jobs.map((j) => j.customerId),
        ['id', 'displayName', 'phones', 'emails'],
      ),
      related.byId(
        'technician',
        jobs.flatMap((j) => j.technicianIds),
        ['name'],
      ),
      related.byColumn(
        'appointment',
        'job_id',
        jobs.map((j) => j.id),
        ['id', 'scheduledStart', 'scheduledEnd', 'technicianIds', 'status'],
      ),
    ]);
    return jobs.map((j) => {
      const client = clients.get(j.customerId);
      return {
        jobId: j.id,
        number: j.number,
        jobNumber: j.number,
        title: j.title,
        description: j.description,
        status: j.status,
        vendorStatus: j.vendorStatus,
        jobType: j.jobType,
        clientId: j.customerId,
        propertyId: j.locationId,
        scheduledStart: j.scheduledStart,
        scheduledEnd: j.scheduledEnd,
        schedule: { startDate: dateOf(j.scheduledStart), endDate: dateOf(j.scheduledEnd) },
        serviceAddress: addressOf(j.serviceAddress),
        client: client
          ? {
              id: client.id,
              name: client.displayName,
              phones: phoneNumbers(client.phones),
              emails: emailAddresses(client.emails),
            }
          : null,
        assignedTechnicians: j.technicianIds.map((id) => ({
          userId: id,
          name: technicians.get(id)?.name ?? id,
        })),
        visits: (visits.get(j.id) ?? []).map((v) => ({
          visitId: v.id,
          date: dateOf(v.scheduledStart),
          startTime: timeOf(v.scheduledStart),
          endTime: timeOf(v.scheduledEnd),
          assignedToUserIds: v.technicianIds,
          status: v.status,
        })),
        priceSummary: {
          subtotal: j.subtotal,
          tax: j.tax,
          total: j.total,
          amountCollected: j.amountPaid,
          currency: j.currency,
        },
        notes: j.notes,
        tags: j.tags,
        ...provenance(j),
      };
    });
  },
});

const appointmentItemSchema = z
  .strictObject({
    appointmentId: z.string(),
    jobId: z.string(),
    number: z.string().nullable(),
    status: z.enum(APPOINTMENT_STATUSES),
    vendorStatus: z.string(),
    scheduledStart: timestampField.nullable(),
    scheduledEnd: timestampField.nullable(),
    arrivalWindowStart: timestampField.nullable(),
    arrivalWindowEnd: timestampField.nullable(),
    assignedTechnicianIds: z.array(z.string()),
    enRouteAt: timestampField.nullable(),
    arrivedAt: timestampField.nullable(),
    completedAt: timestampField.nullable(),
    instructions: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Appointment' });

/** `GET /appointments`: visits / appointments of jobs. */
export const appointmentsResource = defineResource({
  name: 'appointments',
  entity: 'appointment',
  idField: 'appointmentId',
  summary: 'Appointments (visits) of jobs',
  item: appointmentItemSchema,
  filters: [
    'status',
    'technicianId',
    'assignedUserId',
    'fromDate',
    'toDate',
    'scheduledFrom',
    'scheduledTo',
    'updatedFrom',
    'updatedTo',
  ],
  statuses: APPOINTMENT_STATUSES,
  dateColumn: 'scheduled_start',
  project(appointments) {
    return Promise.resolve(
      appointments.map((a) => ({
        appointmentId: a.id,
        jobId: a.jobId,
        number: a.number,
        status: a.status,
        vendorStatus: a.vendorStatus,
        scheduledStart: a.scheduledStart,
        scheduledEnd: a.scheduledEnd,
        arrivalWindowStart: a.arrivalWindowStart,
        arrivalWindowEnd: a.arrivalWindowEnd,
        assignedTechnicianIds: a.technicianIds,
        enRouteAt: a.enRouteAt,
        arrivedAt: a.arrivedAt,
        completedAt: a.completedAt,
        instructions: a.instructions,
        ...provenance(a),
      })),
    );
  },
});
