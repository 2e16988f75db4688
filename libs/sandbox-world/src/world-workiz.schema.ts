import { z } from 'zod';
import { addressSchema } from './world.schema';

/**
 * What Workiz shows that the vendor-neutral world does not hold: leads, the call log (with the
 * recordings' metadata), SMS threads, service areas, job sub-statuses and the account's time zone.
 * These records live in the WorkizLedger beside the world's store, never inside it: the store's
 * entities, ids, rowVersions and golden hashes stay what every other vendor sees.
 */

const id = z.number().int().positive();
const epochMs = z.number().int().nonnegative();

/** The account's zone: Workiz answers account-local times plus this name. */
export const WORKIZ_TIMEZONE = 'America/Chicago';

export const WORKIZ_LEAD_STATUSES = ['New', 'Contacted', 'Quoted', 'Converted', 'Lost'] as const;
export type WorkizLeadStatus = (typeof WORKIZ_LEAD_STATUSES)[number];
export const WORKIZ_LEAD_SOURCES = [
  'Phone call',
  'Website form',
  'Google Local Services',
  'Yelp',
  'Facebook',
  'Referral',
] as const;

export const workizLeadSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    status: z.enum(WORKIZ_LEAD_STATUSES),
    source: z.string().min(1),
    /** A job type name of the world's settings. */
    leadType: z.string().min(1),
    firstName: z.string(),
    lastName: z.string(),
    company: z.string(),
    phone: z.string(),
    email: z.string(),
    address: addressSchema,
    serviceAreaId: id,
    /** The world customer the lead came from, when the caller was one. */
    customerId: id.nullable(),
    /** The missed call the lead was made from. */
    callId: id.nullable(),
    /** The job the lead was converted into. */
    jobId: id.nullable(),
    /** The appointment the caller asked for, when any. */
    requestedOn: epochMs.nullable(),
    notes: z.string(),
    /** Caller-supplied marker (fieldsync stamps its command marker here on lead.create). */
    referenceId: z.string().nullable(),
  })
  .strict();
export type WorkizLead = z.infer<typeof workizLeadSchema>;

export const WORKIZ_CALL_OUTCOMES = ['answered', 'missed', 'voicemail'] as const;
export const workizRecordingSchema = z
  .object({
    id,
    durationSec: z.number().int().positive(),
    sizeBytes: z.number().int().positive(),
    format: z.literal('mp3'),
  })
  .strict();
export const workizCallSchema = z
  .object({
    id,
    startedOn: epochMs,
    direction: z.enum(['inbound', 'outbound']),
    outcome: z.enum(WORKIZ_CALL_OUTCOMES),
    /** Digits only, as Workiz Phone stores them. */
    fromNumber: z.string().regex(/^\d{10}$/),
    toNumber: z.string().regex(/^\d{10}$/),
    durationSec: z.number().int().nonnegative(),
    customerId: id.nullable(),
    /** The team member who took or made the call. */
    employeeId: id.nullable(),
    /** The ad campaign whose tracking number rang. */
    trackingSource: z.string().min(1),
    recording: workizRecordingSchema.nullable(),
  })
  .strict();
export type WorkizCall = z.infer<typeof workizCallSchema>;

export const workizSmsMessageSchema = z
  .object({
    id,
    sentOn: epochMs,
    direction: z.enum(['inbound', 'outbound']),
    body: z.string().min(1),
    employeeId: id.nullable(),
  })
  .strict();
export const workizSmsThreadSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    customerId: id.nullable(),
    phone: z.string().regex(/^\d{10}$/),
    messages: z.array(workizSmsMessageSchema).min(1),
  })
  .strict();
export type WorkizSmsThread = z.infer<typeof workizSmsThreadSchema>;

export const workizServiceAreaSchema = z
  .object({ id, name: z.string().min(1), zipCodes: z.array(z.string().regex(/^\d{5}$/)).min(1) })
  .strict();
export type WorkizServiceArea = z.infer<typeof workizServiceAreaSchema>;

/** Workiz job statuses (the world's job status, as Workiz names it) and the account's custom sub-statuses. */
export const WORKIZ_JOB_STATUSES = ['Submitted', 'Pending', 'In progress', 'Done', 'Canceled'] as const;
export type WorkizJobStatus = (typeof WORKIZ_JOB_STATUSES)[number];
export const WORKIZ_SUB_STATUSES: Readonly<Record<WorkizJobStatus, readonly string[]>> = {
  Submitted: ['', 'Confirmed', 'Waiting for customer'],
  Pending: ['Waiting for parts', 'Waiting for approval'],
  'In progress': ['', 'En route', 'On site'],
  Done: ['', 'Review requested', 'Paid in full'],
  Canceled: ['', 'Customer canceled', 'No show'],
};
