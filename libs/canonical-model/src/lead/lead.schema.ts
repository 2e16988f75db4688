import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { emailSchema, phoneSchema } from '../common/contact-point.schema';
import { tagsSchema } from '../common/tags.schema';
import { timestampSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { prioritySchema } from '../job/job.schema';

/** ServiceTitan Open|Dismissed|Converted, HCP open|won|lost, Jobber requests, Workiz leads → open|converted|lost. */
export const LEAD_STATUSES = ['open', 'converted', 'lost'] as const;
export const leadStatusSchema = z.enum(LEAD_STATUSES);

/** A lead / work request not yet a job. Once converted, `convertedJobId` points at the job. */
export const leadSchema = z
  .strictObject({
    ...baseEntityShape('lead'),
    status: leadStatusSchema,
    vendorStatus: z.string().max(200),
    customerId: idSchemas.customer.nullable(),
    locationId: idSchemas.location.nullable(),
    firstName: z.string().max(200).nullable(),
    lastName: z.string().max(200).nullable(),
    companyName: z.string().max(500).nullable(),
    emails: z.array(emailSchema),
    phones: z.array(phoneSchema),
    address: addressSchema.nullable(),
    source: z.string().max(200).nullable(),
    priority: prioritySchema.nullable(),
    summary: textSchema.nullable(),
    convertedJobId: idSchemas.job.nullable(),
    convertedAt: timestampSchema.nullable(),
    tags: tagsSchema,
  })
  .superRefine((lead, ctx) => {
    if (lead.convertedJobId !== null && lead.status !== 'converted') {
      ctx.addIssue({
        code: 'custom',
        message: 'convertedJobId is set but status is not converted',
        path: ['status'],
      });
    }
  });

export type Lead = z.infer<typeof leadSchema>;
export type LeadStatus = z.infer<typeof leadStatusSchema>;
