import { createHash } from 'node:crypto';
import type { StoredRecord } from '@fieldsync/sandbox-world';

/**
 * The world has no job notes: a Housecall Pro job's notes (JobCreate's `notes`) are kept in the world
 * job's `externalData` under this key, one entry a note, and rendered as the job's `notes[]`.
 */
export const HOUSECALLPRO_NOTE_KEY = 'housecallpro.note';

/** The job's notes as the v1 API lists them (`{ id, content }`, ids stable per job and position). */
export function jobNotes(j: StoredRecord<'job'>): { id: string; content: string }[] {
  return j.externalData
    .filter((e) => e.key === HOUSECALLPRO_NOTE_KEY)
    .map((e, index) => ({
      id: `nte_${createHash('sha256').update(`housecallpro:note:${j.id}:${index}`).digest('hex').slice(0, 32)}`,
      content: e.value,
    }));
}

/**
 * The world ties every estimate to a job; a Housecall Pro estimate stands alone until an option is
 * approved and copied to a new job. An estimate made through `POST /estimates` gets a world job marked
 * with this key (`open`): the API shows no such job (it is the estimate's) until the approval copies the
 * estimate to it (the mark becomes `approved`).
 */
export const HOUSECALLPRO_ESTIMATE_JOB_KEY = 'housecallpro.estimate-job';
/** An estimate's notes (EstimateCreate's `note`), kept on its world job. */
export const HOUSECALLPRO_ESTIMATE_NOTE_KEY = 'housecallpro.estimate-note';

/** Whether the world job only holds an estimate (not a Housecall Pro job yet). */
export const isEstimateJob = (j: StoredRecord<'job'>): boolean =>
  j.externalData.some((e) => e.key === HOUSECALLPRO_ESTIMATE_JOB_KEY && e.value === 'open');

/** Whether the job was an estimate's until an approval copied the estimate to it (the mark says `approved`). */
export const isApprovedEstimateJob = (j: StoredRecord<'job'>): boolean =>
  j.externalData.some((e) => e.key === HOUSECALLPRO_ESTIMATE_JOB_KEY && e.value === 'approved');

/** The estimate's notes (on every option, as the pro app lists them), ids stable per estimate and position. */
export function estimateNotes(
  j: StoredRecord<'job'> | undefined,
  estimateId: number,
): { id: string; content: string }[] {
  return (j?.externalData ?? [])
    .filter((e) => e.key === HOUSECALLPRO_ESTIMATE_NOTE_KEY)
    .map((e, index) => ({
      id: `nte_${createHash('sha256').update(`housecallpro:estimate-note:${estimateId}:${index}`).digest('hex').slice(0, 32)}`,
      content: e.value,
    }));
}
