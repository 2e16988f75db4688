import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkWindowOrder } from '../common/consistency.util';
import { customFieldsSchema, tagsSchema } from '../common/tags.schema';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { lineSchema } from '../line-item/line-item.schema';
import { checkMoneyPrecision, currencySchema, moneyAmountSchema } from '../money/money.schema';

/** Canonical job lifecycle; each connector maps its vendor's statuses and keeps them in `vendorStatus`. */
export const JOB_STATUSES = [
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
export const jobStatusSchema = z.enum(JOB_STATUSES);

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const prioritySchema = z.enum(PRIORITIES);

/**
 * A job / work order. `scheduledStart/End` summarise the job's appointments (first start, last end);
 * `technicianIds` is the union of technicians assigned to them. `serviceAddress` is a snapshot for vendors
 * that embed the address in the job (Workiz) and equals the location's address otherwise. Money fields
 * (`subtotal`, `tax`, `total`, `amountPaid`, `balance`) are the vendor's price summary in `currency`.
 */
export const jobSchema = z
  .strictObject({
    ...baseEntityShape('job'),
    number: z.string().max(100).nullable(),
    title: z.string().max(1000),
    description: textSchema.nullable(),
    status: jobStatusSchema,
    vendorStatus: z.string().max(200),
    customerId: idSchemas.customer,
    locationId: idSchemas.location.nullable(),
    serviceAddress: addressSchema.nullable(),
    jobType: z.string().max(200).nullable(),
    priority: prioritySchema.nullable(),
    source: z.string().max(200).nullable(),
    businessUnit: z.string().max(200).nullable(),
    scheduledStart: timestampSchema.nullable(),
    scheduledEnd: timestampSchema.nullable(),
    technicianIds: z.array(idSchemas.technician),
    estimateId: idSchemas.estimate.nullable(),
    membershipId: idSchemas.membership.nullable(),
    completedAt: timestampSchema.nullable(),
    canceledAt: timestampSchema.nullable(),
    cancelReason: z.string().max(1000).nullable(),
    currency: currencySchema,
    lineItems: z.array(lineSchema),
    subtotal: moneyAmountSchema.nullable(),
    tax: moneyAmountSchema.nullable(),
    total: moneyAmountSchema.nullable(),
    amountPaid: moneyAmountSchema.nullable(),
    balance: moneyAmountSchema.nullable(),
    notes: textSchema.nullable(),
    tags: tagsSchema,
    customFields: customFieldsSchema,
  })
  .superRefine((job, ctx) => {
    checkMoneyPrecision(job, ctx);
    checkWindowOrder(ctx, job, 'scheduledStart', 'scheduledEnd');
    if (job.status === 'completed' && job.completedAt === null) {
      ctx.addIssue({ code: 'custom', message: 'a completed job needs completedAt', path: ['completedAt'] });
    }
  });

export type Job = z.infer<typeof jobSchema>;
export type JobStatus = z.infer<typeof jobStatusSchema>;
export type Priority = z.infer<typeof prioritySchema>;
