import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkWindowOrder } from '../common/consistency.util';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';

/** Canonical visit lifecycle (ServiceTitan appointment, Jobber visit, HCP appointment, Workiz/TOM schedule). */
export const APPOINTMENT_STATUSES = [
  'unscheduled',
  'scheduled',
  'dispatched',
  'en_route',
  'on_site',
  'in_progress',
  'on_hold',
  'completed',
  'canceled',
] as const;
export const appointmentStatusSchema = z.enum(APPOINTMENT_STATUSES);

/**
 * One scheduled visit of a job. `scheduledStart/End` is the planned work window (null when unscheduled),
 * `arrivalWindowStart/End` the window promised to the customer. `enRouteAt`, `arrivedAt`, `completedAt`
 * are the field timestamps (HCP `on_my_way_at`/`started_at`/`completed_at`).
 */
export const appointmentSchema = z
  .strictObject({
    ...baseEntityShape('appointment'),
    jobId: idSchemas.job,
    number: z.string().max(100).nullable(),
    status: appointmentStatusSchema,
    vendorStatus: z.string().max(200),
    scheduledStart: timestampSchema.nullable(),
    scheduledEnd: timestampSchema.nullable(),
    arrivalWindowStart: timestampSchema.nullable(),
    arrivalWindowEnd: timestampSchema.nullable(),
    technicianIds: z.array(idSchemas.technician),
    enRouteAt: timestampSchema.nullable(),
    arrivedAt: timestampSchema.nullable(),
    completedAt: timestampSchema.nullable(),
    instructions: textSchema.nullable(),
  })
  .superRefine((appointment, ctx) => {
    checkWindowOrder(ctx, appointment, 'scheduledStart', 'scheduledEnd');
    checkWindowOrder(ctx, appointment, 'arrivalWindowStart', 'arrivalWindowEnd');
    if (appointment.status === 'scheduled' && appointment.scheduledStart === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'a scheduled appointment needs scheduledStart',
        path: ['scheduledStart'],
      });
    }
    if (appointment.status === 'unscheduled' && appointment.scheduledStart !== null) {
      ctx.addIssue({
        code: 'custom',
        message: 'an unscheduled appointment has no scheduledStart',
        path: ['scheduledStart'],
      });
    }
  });

export type Appointment = z.infer<typeof appointmentSchema>;
export type AppointmentStatus = z.infer<typeof appointmentStatusSchema>;
