import { z } from 'zod';

/** Every canonical entity. The names appear in event types (`job.updated`) and subjects. */
export const ENTITY_TYPES = [
  'customer',
  'contact',
  'location',
  'technician',
  'job',
  'appointment',
  'estimate',
  'invoice',
  'line_item',
  'payment',
  'refund',
  'pricebook_item',
  'membership',
  'equipment',
  'attachment',
  'lead',
  'communication',
  'timesheet_entry',
  'warehouse',
  'stock_level',
  'purchase_order',
] as const;

export const entityTypeSchema = z.enum(ENTITY_TYPES, {
  error: (issue) => `unknown entity type ${JSON.stringify(issue.input)}`,
});

export type EntityType = z.infer<typeof entityTypeSchema>;
