import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkWindowOrder } from '../common/consistency.util';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';

export const TIMESHEET_KINDS = ['work', 'travel', 'break', 'other'] as const;

/** Time a technician clocked (Jobber timesheets, TOM time cards, ServiceTitan payroll timesheets). */
export const timesheetEntrySchema = z
  .strictObject({
    ...baseEntityShape('timesheet_entry'),
    technicianId: idSchemas.technician,
    jobId: idSchemas.job.nullable(),
    appointmentId: idSchemas.appointment.nullable(),
    kind: z.enum(TIMESHEET_KINDS),
    startedAt: timestampSchema,
    endedAt: timestampSchema.nullable(),
    durationMinutes: z.int().min(0).nullable(),
    approved: z.boolean().nullable(),
    notes: textSchema.nullable(),
  })
  .superRefine((entry, ctx) => checkWindowOrder(ctx, entry, 'startedAt', 'endedAt'));

export type TimesheetEntry = z.infer<typeof timesheetEntrySchema>;
