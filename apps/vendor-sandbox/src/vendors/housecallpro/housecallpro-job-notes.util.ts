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
